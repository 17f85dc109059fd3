import { startPrometheusStub, type RunningPrometheusStub, type StubAnswer } from '@stats/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { analyticsCommands } from '../../../src/app/commands/index.js';
import { loadConfig } from '../../../src/app/config/index.js';
import { TimeoutError, UnreachableError, UpstreamError } from '../../../src/errors/index.js';
import { createMetrics } from '../../../src/metrics/index.js';
import { createSources, MalformedAnswerError, type PrometheusSource } from '../../../src/sources/index.js';
import { createTestBot } from '../../../src/testing/index.js';

let stubs: RunningPrometheusStub[] = [];
afterEach(async () => {
  await Promise.all(stubs.map((s) => s.stop()));
  stubs = [];
});

async function stub(
  answer: (path: string, params: URLSearchParams, n: number) => StubAnswer,
): Promise<{ server: RunningPrometheusStub; prom: PrometheusSource }> {
  const server = await startPrometheusStub(answer);
  stubs.push(server);
  const prom = createSources(loadConfig({ PROMETHEUS_URL: server.url }), {
    retryBaseMs: 1,
    timeoutMs: 1_000,
    prometheusCacheTtlMs: 0,
  }).prometheus;
  return { server, prom };
}

const vector = (value: string, metric: Record<string, string> = {}): StubAnswer => ({
  body: { status: 'success', data: { resultType: 'vector', result: [{ metric, value: [1770000000.123, value] }] } },
});

describe('Prometheus client faults', () => {
  it('retries a 503 timeout error and then names Prometheus', async () => {
    const { server, prom } = await stub(() => ({
      status: 503,
      body: { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' },
    }));
    const err = (await prom.query('up').catch((e: unknown) => e)) as UpstreamError;
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.retryable).toBe(true);
    expect(err.message).toContain('timeout: query timed out');
    expect(err.userMessage).toBe('Prometheus answered with a server error (HTTP 503). Please try again later.');
    expect(server.requests).toHaveLength(3);
  });

  it('succeeds when a retry does', async () => {
    const { server, prom } = await stub((_p, _q, n) =>
      n === 1 ? { status: 502, body: '<html>Bad Gateway</html>' } : vector('1'),
    );
    expect((await prom.query('up'))[0]?.value).toBe(1);
    expect(server.requests).toHaveLength(2);
  });

  it('shows the VictoriaMetrics 422 error text', async () => {
    const { prom } = await stub(() => ({
      status: 422,
      body: { status: 'error', errorType: '422', error: 'cannot parse "sum(": unexpected end of stream' },
    }));
    const err = (await prom.query('sum(').catch((e: unknown) => e)) as UpstreamError;
    expect(err.userMessage).toBe(
      'Prometheus rejected the request (HTTP 422): cannot parse "sum(": unexpected end of stream',
    );
  });

  it('calls malformed JSON and unknown envelopes malformed', async () => {
    const { prom } = await stub((_p, q) =>
      q.get('query') === 'a'
        ? { body: '{"status":"succ' }
        : { body: { status: 'success', data: { resultType: 'histogram', result: [] } } },
    );
    await expect(prom.query('a')).rejects.toBeInstanceOf(MalformedAnswerError);
    await expect(prom.query('b')).rejects.toBeInstanceOf(MalformedAnswerError);
  });

  it('times out on a slow server', async () => {
    const { prom } = await stub(() => ({ ...vector('1'), delayMs: 2000 }));
    await expect(prom.query('up')).rejects.toBeInstanceOf(TimeoutError);
  });

  it('calls a closed port unreachable', async () => {
    const prom = createSources(loadConfig({ PROMETHEUS_URL: 'http://127.0.0.1:9' }), {
      retryBaseMs: 1,
      retries: 1,
    }).prometheus;
    const err = (await prom.query('up').catch((e: unknown) => e)) as UnreachableError;
    expect(err).toBeInstanceOf(UnreachableError);
    expect(err.userMessage).toBe('Prometheus is unreachable right now. Please try again later.');
  });

  it('sends credentials from PROMETHEUS_URL as Basic auth, never in a message', async () => {
    const server = await startPrometheusStub(() => ({ status: 401, body: 'Unauthorized' }));
    stubs.push(server);
    const url = server.url.replace('http://', 'http://vm:s3cret@');
    const prom = createSources(loadConfig({ PROMETHEUS_URL: url }), { retryBaseMs: 1 }).prometheus;
    const err = (await prom.query('up').catch((e: unknown) => e)) as UpstreamError;
    expect(server.requests[0]?.authorization).toBe(`Basic ${Buffer.from('vm:s3cret').toString('base64')}`);
    expect(err.message).not.toContain('s3cret');
    expect(err.userMessage).not.toContain('s3cret');
    expect(err.userMessage).toMatch(/^Prometheus refused the bot's request \(HTTP 401\)/);
  });

  it('takes PromQL overrides from PROMETHEUS_QUERIES', async () => {
    const server = await startPrometheusStub(() => vector('42'));
    stubs.push(server);
    const config = loadConfig({
      PROMETHEUS_URL: server.url,
      PROMETHEUS_QUERIES: '{"cpuPercent":"my_cpu_percent","nope":"x"}',
    });
    const prom = createSources(config).prometheus;
    expect(prom.queries.cpuPercent).toBe('my_cpu_percent');
    expect((await prom.system()).cpuPercent).toBe(42);
    expect(server.requests.map((r) => r.params.get('query'))).toContain('my_cpu_percent');
    expect(() => loadConfig({ PROMETHEUS_URL: server.url, PROMETHEUS_QUERIES: '["up"]' })).toThrow(
      /PROMETHEUS_QUERIES must be a JSON object/,
    );
  });

  it('sends long queries as a form POST', async () => {
    const { server, prom } = await stub(() => vector('1'));
    const long = `sum(up{job=~"${'x|'.repeat(1000)}y"})`;
    await prom.query(long);
    expect(server.requests[0]?.method).toBe('POST');
    expect(server.requests[0]?.params.get('query')).toBe(long);
    await prom.query('up');
    expect(server.requests[1]?.method).toBe('GET');
  });

  it('shows NaN and Inf figures as no data, and no series as not enough data', async () => {
    const { server } = await stub((_p, q) => {
      const query = q.get('query') ?? '';
      if (query.includes('idle')) return vector('NaN');
      if (query.includes('MemAvailable_bytes /')) return vector('+Inf');
      if (query.includes('http_requests_total') || query.includes('duration'))
        return { body: { status: 'success', data: { resultType: 'vector', result: [] } } };
      return { body: { status: 'success', data: { resultType: 'vector', result: [] } } };
    });
    const config = loadConfig({ PROMETHEUS_URL: server.url });
    const metrics = createMetrics({ processMetrics: false });
    const bot = await createTestBot({
      commands: analyticsCommands(),
      sources: createSources(config, { metrics }),
      config,
      metrics,
    });
    try {
      const system = await bot.say('!system');
      expect(system.plain).toMatch(/CPU:?\s+no data/);
      expect(system.plain).toMatch(/Memory:?\s+no data/);
      expect(system.plain).toMatch(/Disk:?\s+no data/);
      expect((await bot.say('!traffic')).plain).toContain('not enough data yet');
      expect((await bot.say('!services')).plain).toContain('no scrape targets');
      expect((await bot.say('!db')).plain).toContain('postgres_exporter is not scraped');
    } finally {
      await bot.stop();
    }
  });

  it('answers a failing Prometheus with a short message and counts it', async () => {
    const { server } = await stub(() => ({
      status: 500,
      body: { status: 'error', errorType: 'internal', error: 'boom' },
    }));
    const config = loadConfig({ PROMETHEUS_URL: server.url });
    const metrics = createMetrics({ processMetrics: false });
    const bot = await createTestBot({
      commands: analyticsCommands(),
      sources: createSources(config, { metrics, retryBaseMs: 1, retries: 0 }),
      config,
      metrics,
    });
    try {
      expect((await bot.say('!services')).plain).toContain('Prometheus answered with a server error (HTTP 500)');
      expect(await metrics.registry.getSingleMetricAsString('stats_upstream_errors_total')).toContain(
        'source="prometheus",kind="status"} 1',
      );
    } finally {
      await bot.stop();
    }
  });
});
