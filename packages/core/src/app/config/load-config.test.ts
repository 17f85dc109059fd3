import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../errors/index.js';
import { loadConfig } from './load-config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3312,
      timeZone: 'Europe/Berlin',
      locale: 'en',
      prefix: '!',
      dataDir: './data',
      sessions: { store: 'sqlite' },
    });
    expect(config.schedule).toMatchObject({ dailyCron: '0 9 * * *', weeklyCron: '0 9 * * 1', graceMs: 7_200_000 });
    expect(config.schedule.reportRooms).toEqual({});
    expect(config.umami).toBeUndefined();
  });

  it('reads the seed deployment variables into sections', () => {
    const config = loadConfig({
      MATRIX_HOMESERVER_URL: 'http://localhost:8008',
      MATRIX_ACCESS_TOKEN: 'syt_secret',
      MATRIX_REPORT_ROOM_ID: '!room:mana.how',
      UMAMI_API_URL: 'http://umami:3000',
      UMAMI_USERNAME: 'admin',
      UMAMI_PASSWORD: 'pw',
      PROMETHEUS_URL: 'http://victoriametrics:8428',
      DATABASE_URL: 'postgresql://u@db/app',
      PORT: '3314',
      TZ: 'Europe/Berlin',
      CATCH_UP_WINDOW: '2m',
    });
    expect(config.schedule.reportRooms).toEqual({ matrix: '!room:mana.how' });
    expect(config.env).not.toHaveProperty('MATRIX_ACCESS_TOKEN'); // the adapter's fromEnv reads it
    expect(config.umami).toEqual({ url: 'http://umami:3000', username: 'admin', password: 'pw' });
    expect(config.prometheus?.url).toBe('http://victoriametrics:8428');
    expect(config.port).toBe(3314);
    expect(config.catchUpWindowMs).toBe(120_000);
  });

  it('names every bad or missing variable in one error, never a value', () => {
    const error = configError({
      PORT: 'eighty',
      TZ: 'Mars/Olympus',
      UMAMI_API_URL: 'http://umami:3000',
      SESSION_SECRET: 'short-secret-value',
      MATRIX_REPORT_ROOM_ID: 'general',
    });
    expect(error.variables).toEqual(
      expect.arrayContaining([
        'PORT',
        'TZ',
        'UMAMI_USERNAME',
        'UMAMI_PASSWORD',
        'SESSION_SECRET',
        'MATRIX_REPORT_ROOM_ID',
      ]),
    );
    expect(error.message).toContain('PORT must be a port number');
    expect(error.message).toContain('TZ must be an IANA time zone');
    expect(error.message).toContain('UMAMI_USERNAME is required when UMAMI_API_URL is set');
    expect(error.message).not.toContain('short-secret-value');
    expect(error.message).not.toContain('Mars/Olympus');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ PROMETHEUS_URL: '', PORT: ' ' }).prometheus).toBeUndefined();
  });

  it('reads the abuse limits, with their defaults', () => {
    const defaults = loadConfig({});
    expect(defaults.login).toEqual({ perUser: 5, perEmail: 10, windowMs: 900_000, maxDeviceFlows: 50 });
    const config = loadConfig({
      ALERTMANAGER_URL: 'http://alertmanager:9093',
      ALERT_SILENCE_ALLOWED: 'ops@example.org, telegram:111',
      SILENCE_MAX_DURATION: '6h',
      LOGIN_ATTEMPTS_PER_USER: '3',
      LOGIN_ATTEMPTS_WINDOW: '1h',
    });
    expect(config.alertmanager).toMatchObject({
      silenceAllowed: ['ops@example.org', 'telegram:111'],
      silenceMaxMs: 6 * 3_600_000,
    });
    expect(config.login).toMatchObject({ perUser: 3, perEmail: 10, windowMs: 3_600_000 });
  });
});
