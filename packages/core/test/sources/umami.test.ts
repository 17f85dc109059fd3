import { startUmami, type RunningUmami, type UmamiVersion } from '@stats/test-utils';
import { afterEach, describe, expect, it } from 'vitest';
import { TimeoutError, UnreachableError, UpstreamError } from '../../src/errors/index.js';
import { createMetrics, type Metrics } from '../../src/metrics/index.js';
import {
  createTtlCache,
  createUmamiClient,
  createUpstreamClient,
  MalformedAnswerError,
  readUmamiError,
  umamiApiRoot,
  type UmamiClient,
  type UmamiCredentials,
} from '../../src/sources/index.js';

const RANGE = { startAt: Date.UTC(2026, 1, 1), endAt: Date.UTC(2026, 1, 8) };
let running: RunningUmami[] = [];

async function start(version: UmamiVersion, extra: Parameters<typeof startUmami>[0] = {}): Promise<RunningUmami> {
  const umami = await startUmami({ version, ...extra });
  running.push(umami);
  return umami;
}

function client(
  umami: RunningUmami,
  options: {
    credentials?: UmamiCredentials;
    timeoutMs?: number;
    cacheTtlMs?: number;
    metrics?: Metrics;
    retries?: number;
  } = {},
): UmamiClient {
  const http = createUpstreamClient({
    source: 'umami',
    name: 'Umami',
    baseUrl: umamiApiRoot(umami.url),
    timeoutMs: options.timeoutMs ?? 2000,
    retries: options.retries ?? 2,
    retryBaseMs: 5,
    metrics: options.metrics,
    describeError: (_status, body) => readUmamiError(body),
  });
  const credentials = options.credentials ?? { username: 'admin', password: 'secret' };
  return options.cacheTtlMs === undefined
    ? createUmamiClient({ http, credentials })
    : createUmamiClient({ http, credentials, cache: createTtlCache({ ttlMs: options.cacheTtlMs }) });
}

afterEach(async () => {
  await Promise.all(running.map((u) => u.stop()));
  running = [];
});

describe('Umami client against every answer shape', () => {
  for (const version of ['v2.0', 'v2.8', 'v2.11', 'v2.12', 'v2.16', 'v3'] as const) {
    it(`reads websites, stats with comparison, active, series and metrics from ${version}`, async () => {
      const umami = await start(version);
      const c = client(umami);
      const sites = await c.websites();
      expect(sites.map((s) => s.name)).toEqual(['chat.mana.how', 'todo.mana.how']);
      const chat = sites[0]!;
      const stats = await c.stats(chat.id, RANGE);
      expect(stats.current.pageviews).toBe(12040);
      expect(stats.current.visitors).toBe(2301);
      expect(stats.previous.visitors).toBe(2000);
      expect(stats.previous.pageviews).toBe(10000);
      expect(stats.current.visits).toBe(version === 'v2.0' || version === 'v2.8' ? undefined : 3120);
      expect(await c.active(chat.id)).toBe(7);
      const series = await c.pageviews(chat.id, RANGE, 'day', 'Europe/Berlin');
      expect(series.pageviews).toHaveLength(7);
      expect(series.pageviews[0]).toEqual({ x: '2026-02-01 00:00:00', y: 400 });
      const pages = await c.metrics(chat.id, 'page', RANGE);
      expect(pages[0]).toEqual({ label: '/', value: 5000 });
      const referrers = await c.metrics(chat.id, 'referrer', RANGE);
      expect(referrers[0]).toEqual({ label: undefined, value: 800 });
      expect(c.flavor()).toBe(version === 'v3' ? 'v3' : 'v2');
      expect(umami.calls.login).toBe(1);
    });
  }

  it('detects v3 once from a metrics probe and then asks for path', async () => {
    const umami = await start('v3');
    const c = client(umami);
    const id = await startUmamiSiteId(c);
    umami.resetCalls();
    await c.metrics(id, 'page', RANGE);
    await c.metrics(id, 'host', RANGE);
    await c.metrics(id, 'page', { ...RANGE, endAt: RANGE.endAt + 1 });
    expect(c.flavor()).toBe('v3');
    // v3 websites answers carry `search`, so no probe is needed at all.
    expect(umami.calls.metrics).toBe(3);
  });

  it('probes the version once when the first call is a metric', async () => {
    const umami = await start('v3');
    const c = client(umami);
    const rows = await c.metrics('3f6c2a8e-1b7d-4c3e-9a51-0d2f4e6b8a10', 'page', RANGE);
    expect(rows[0]?.label).toBe('/');
    await c.metrics('3f6c2a8e-1b7d-4c3e-9a51-0d2f4e6b8a10', 'page', { ...RANGE, endAt: RANGE.endAt + 1 });
    expect(umami.calls.metrics).toBe(3);
  });

  it('pages through every website', async () => {
    const websites = Array.from({ length: 230 }, (_, i) => ({
      id: `site-${String(i).padStart(3, '0')}`,
      name: `site ${String(i).padStart(3, '0')}`,
    }));
    const umami = await start('v2.16', { websites });
    const sites = await client(umami).websites();
    expect(sites).toHaveLength(230);
    expect(umami.calls.websites).toBe(3);
  });

  it('returns no websites when Umami has none', async () => {
    const umami = await start('v3', { websites: [] });
    expect(await client(umami).websites()).toEqual([]);
  });

  it('uses the API key instead of logging in (Umami Cloud)', async () => {
    const umami = await start('v3', { apiKey: 'key-123' });
    const c = client(umami, { credentials: { apiKey: 'key-123' } });
    expect(await c.websites()).toHaveLength(2);
    expect(umami.calls.login).toBe(0);
    const bad = client(umami, { credentials: { apiKey: 'wrong' } });
    await expect(bad.websites()).rejects.toMatchObject({
      status: 401,
      userMessage: expect.stringContaining('UMAMI_API_KEY'),
    });
  });
});

async function startUmamiSiteId(c: UmamiClient): Promise<string> {
  const sites = await c.websites();
  return sites[0]!.id;
}

describe('Umami client faults', () => {
  it('reuses its token and logs in again once after a 401', async () => {
    const umami = await start('v2.16');
    const c = client(umami);
    const id = await startUmamiSiteId(c);
    await c.stats(id, RANGE);
    expect(umami.calls.login).toBe(1);
    umami.expireTokens();
    const stats = await c.stats(id, { ...RANGE, startAt: RANGE.startAt + 1 });
    expect(stats.current.visitors).toBe(2301);
    expect(umami.calls.login).toBe(2);
  });

  it('reports a website it may not see after one fresh login', async () => {
    const umami = await start('v3', { hiddenWebsiteIds: ['9b1d3c5e-7f20-4a6b-8c9d-1e2f3a4b5c6d'] });
    const c = client(umami);
    const err = await c.stats('9b1d3c5e-7f20-4a6b-8c9d-1e2f3a4b5c6d', RANGE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect((err as UpstreamError).status).toBe(401);
    expect((err as UpstreamError).userMessage).toMatch(/^Umami refused access/);
    expect(umami.calls.login).toBe(2);
  });

  it('says which variables to check when the login is refused', async () => {
    const umami = await start('v2.0');
    const c = client(umami, { credentials: { username: 'admin', password: 'wrong' } });
    const err = (await c.websites().catch((e: unknown) => e)) as UpstreamError;
    expect(err.userMessage).toContain('UMAMI_USERNAME and UMAMI_PASSWORD');
    expect(err.message).not.toContain('wrong');
    expect(umami.calls.login).toBe(1);
  });

  it('retries a read after a 500 and succeeds', async () => {
    const umami = await start('v3');
    const metrics = createMetrics({ processMetrics: false });
    const c = client(umami, { metrics });
    umami.fault('websites', { status: 500 });
    expect(await c.websites()).toHaveLength(2);
    expect(umami.calls.websites).toBe(2);
    const errors = await metrics.registry.getSingleMetricAsString('stats_upstream_errors_total');
    expect(errors).toContain('stats_upstream_errors_total{source="umami",kind="status"} 1');
  });

  it('gives up after the retries with a server-error message naming Umami', async () => {
    const umami = await start('v3');
    const c = client(umami);
    umami.fault('websites', { status: 500, times: Infinity });
    const err = (await c.websites().catch((e: unknown) => e)) as UpstreamError;
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.retryable).toBe(true);
    expect(err.userMessage).toBe('Umami answered with a server error (HTTP 500). Please try again later.');
    expect(umami.calls.websites).toBe(3);
  });

  it('honours a short Retry-After and refuses to wait for a long one', async () => {
    const umami = await start('v3');
    const c = client(umami);
    umami.fault('websites', { status: 429, retryAfter: '0' });
    expect(await c.websites()).toHaveLength(2);
    umami.resetCalls();
    umami.fault('stats', { status: 429, retryAfter: '60' });
    const err = (await c
      .stats('3f6c2a8e-1b7d-4c3e-9a51-0d2f4e6b8a10', RANGE)
      .catch((e: unknown) => e)) as UpstreamError;
    expect(err.status).toBe(429);
    expect(err.retryAfterMs).toBe(60_000);
    expect(err.userMessage).toBe('Umami is rate limiting the bot. Please try again in 60 s.');
    expect(umami.calls.stats).toBe(1);
  });

  it('times out on a slow answer with a message naming Umami', async () => {
    const umami = await start('v2.16');
    const c = client(umami, { timeoutMs: 150 });
    umami.fault('websites', { delayMs: 2000 });
    const err = (await c.websites().catch((e: unknown) => e)) as TimeoutError;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.userMessage).toBe('Umami did not answer in time. Please try again later.');
  });

  it('stops when the caller aborts', async () => {
    const umami = await start('v2.16');
    const c = client(umami);
    umami.fault('websites', { delayMs: 2000 });
    const controller = new AbortController();
    const pending = c.websites({ signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(TimeoutError);
  });

  it('calls a malformed answer malformed, without retrying', async () => {
    const umami = await start('v3');
    const c = client(umami);
    await c.websites();
    umami.fault('stats', { malformed: true });
    const err = (await c
      .stats('3f6c2a8e-1b7d-4c3e-9a51-0d2f4e6b8a10', RANGE)
      .catch((e: unknown) => e)) as MalformedAnswerError;
    expect(err).toBeInstanceOf(MalformedAnswerError);
    expect(err.userMessage).toBe('Umami sent an answer the bot could not read.');
    expect(umami.calls.stats).toBe(1);
  });

  it('calls an answer of the wrong shape malformed', async () => {
    const umami = await start('v3');
    const c = client(umami);
    umami.fault('websites', { status: 200, body: '{"rows": 3}' });
    await expect(c.websites()).rejects.toBeInstanceOf(MalformedAnswerError);
  });

  it('explains a 404 as a wrong URL', async () => {
    const umami = await start('v3');
    const http = createUpstreamClient({
      source: 'umami',
      name: 'Umami',
      baseUrl: `${umami.url}/wrong`,
      retryBaseMs: 1,
    });
    const c = createUmamiClient({ http, credentials: { apiKey: 'x' } });
    await expect(c.websites()).rejects.toMatchObject({
      status: 404,
      userMessage: 'Umami does not know this endpoint (HTTP 404): check its URL.',
    });
  });

  it('calls a stopped Umami unreachable', async () => {
    const umami = await start('v3');
    const c = client(umami, { retries: 1 });
    await umami.stop();
    running = running.filter((u) => u !== umami);
    const err = (await c.websites().catch((e: unknown) => e)) as UnreachableError;
    expect(err).toBeInstanceOf(UnreachableError);
    expect(err.userMessage).toBe('Umami is unreachable right now. Please try again later.');
  });

  it('makes one upstream call for 100 concurrent identical reads', async () => {
    const umami = await start('v2.16');
    const c = client(umami, { cacheTtlMs: 60_000 });
    umami.fault('stats', { delayMs: 50 });
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => c.stats('3f6c2a8e-1b7d-4c3e-9a51-0d2f4e6b8a10', RANGE)),
    );
    expect(new Set(answers.map((a) => a.current.visitors))).toEqual(new Set([2301]));
    expect(umami.calls.stats).toBe(1);
    expect(umami.calls.login).toBe(1);
    await c.stats('3f6c2a8e-1b7d-4c3e-9a51-0d2f4e6b8a10', RANGE);
    expect(umami.calls.stats).toBe(1);
  });
});

describe('readUmamiError', () => {
  it('reads the four error-body forms', () => {
    expect(readUmamiError('401 Unauthorized')).toBe('401 Unauthorized');
    expect(readUmamiError('{"error":"Unauthorized"}')).toBe('Unauthorized');
    expect(readUmamiError('{"error":["startAt: Required","endAt: Required"]}')).toBe(
      'startAt: Required; endAt: Required',
    );
    expect(readUmamiError('{"error":{"message":"Bad request","code":"bad-request","status":400}}')).toBe(
      'Bad request (bad-request)',
    );
    expect(readUmamiError('')).toBeUndefined();
    expect(readUmamiError('<html>404</html>')).toBeUndefined();
  });
});
