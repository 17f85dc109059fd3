import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { ConfigError } from '../../errors/index.js';
import { createSources } from '../../sources/create-sources.js';

describe('createSources', () => {
  it('lists what is configured; the host source is always there', () => {
    expect(createSources(loadConfig({})).configured).toEqual(['host']);
    const all = createSources(
      loadConfig({
        UMAMI_API_URL: 'https://api.umami.is/v1',
        UMAMI_API_KEY: 'k',
        PROMETHEUS_URL: 'http://vm:8428',
        DATABASE_URL: 'postgresql://u@db/app',
      }),
    );
    expect(all.configured).toEqual(['host', 'umami', 'prometheus', 'growth']);
    expect(typeof all.umami.websites).toBe('function');
    expect(all.prometheus.queries.cpuPercent).toContain('node_cpu_seconds_total');
  });

  it('throws a ConfigError naming the variables for each unconfigured source', () => {
    const sources = createSources(loadConfig({}));
    const caught = (read: () => unknown): ConfigError => {
      try {
        read();
      } catch (err) {
        return err as ConfigError;
      }
      throw new Error('no error');
    };
    const umami = caught(() => sources.umami);
    expect(umami).toBeInstanceOf(ConfigError);
    expect(umami.code).toBe('config');
    expect(umami.variables).toEqual(['UMAMI_API_URL', 'UMAMI_USERNAME', 'UMAMI_PASSWORD']);
    expect(umami.userMessage).toBe(
      'Umami is not configured: set UMAMI_API_URL, UMAMI_USERNAME and UMAMI_PASSWORD (or UMAMI_API_KEY).',
    );
    expect(caught(() => sources.prometheus).userMessage).toBe(
      'Prometheus is not configured: set PROMETHEUS_URL (Prometheus or VictoriaMetrics).',
    );
    expect(caught(() => sources.growth).variables).toEqual(['DATABASE_URL']);
  });

  it('creates each client once', () => {
    const sources = createSources(loadConfig({ PROMETHEUS_URL: 'http://vm:8428' }));
    expect(sources.prometheus).toBe(sources.prometheus);
    expect(sources.host).toBe(sources.host);
  });
});
