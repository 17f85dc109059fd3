import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Registry } from 'prom-client';
import { silentLogger } from '../../logging/index.js';
import { createMetrics } from '../../metrics/index.js';
import { startHttpServer, type HttpServer } from '../../server/index.js';
import { collectStatus } from './collect-status.js';
import { createStatusRecorder } from './status-recorder.js';
import { registerStatusPage } from './status-page.js';

const TOKEN = 'status-token-0123456789-abcdef';
let server: HttpServer;

beforeEach(async () => {
  server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    registry: new Registry(),
    logger: silentLogger(),
    readiness: () => ({}),
  });
  const metrics = createMetrics({ processMetrics: false });
  metrics.upstreamRequests.inc({ source: 'umami', outcome: 'ok' }, 3);
  metrics.upstreamRequests.inc({ source: 'umami', outcome: 'error' });
  metrics.upstreamErrors.inc({ source: 'umami', kind: 'timeout' });
  const recorder = createStatusRecorder({ now: () => Date.UTC(2026, 2, 29, 7, 30) });
  recorder.onDelivered({ id: 'daily' }, [
    { target: { platform: 'matrix', roomId: '!secret-room:example.org' }, outcome: 'sent', attempts: 1, sent: [] },
  ]);
  recorder.onDelivered({ id: 'alert:{}:{alertname="Disk<script>"}' }, [
    { target: { platform: 'telegram', roomId: '-100123' }, outcome: 'failed', attempts: 3, sent: [] },
  ]);
  registerStatusPage(server, {
    name: 'stats <b>bot</b>',
    token: TOKEN,
    snapshot: () =>
      collectStatus({
        name: 'stats <b>bot</b>',
        version: '1.2.3',
        startedAt: Date.UTC(2026, 2, 29, 6, 0),
        now: () => Date.UTC(2026, 2, 29, 7, 30),
        timeZone: 'Europe/Berlin',
        adapters: [
          { platform: 'matrix', isReady: () => true },
          { platform: 'x<img src=x onerror=alert(1)>', isReady: () => false },
        ],
        metrics,
        recorder,
        schedules: () => [
          {
            id: 'daily',
            cron: '0 9 * * *',
            timeZone: 'Europe/Berlin',
            description: undefined,
            targets: [{ platform: 'matrix', roomId: '!secret-room:example.org' }],
            nextRun: Date.UTC(2026, 2, 30, 7, 0),
          },
        ],
        sessions: () => Promise.resolve(2),
      }),
  });
});

afterEach(() => server.close());

const get = (headers: Record<string, string> = {}): Promise<Response> =>
  fetch(`${server.url}/status`, { headers, redirect: 'manual' });

describe('/status', () => {
  it('refuses a request without the token with the login form and the security headers', async () => {
    const response = await get();
    expect(response.status).toBe(401);
    const html = await response.text();
    expect(html).toContain('<form method="post" action="/status">');
    expect(html).not.toContain('Schedules');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'.*frame-ancestors 'none'/);
    expect(response.headers.get('content-security-policy')).not.toMatch(/script-src|unsafe-inline/);
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await get({ authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect((await get({ cookie: 'stats_status=forged' })).status).toBe(401);
  });

  it('shows adapters, the next run in the bot zone, deliveries, sessions and upstreams, everything escaped and no room or token', async () => {
    const response = await get({ authorization: `Bearer ${TOKEN}` });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<span class="ok">connected</span>');
    expect(html).toContain('<span class="bad">disconnected</span>');
    expect(html).toContain('30 Mar 2026, 09:00:00'); // 07:00 UTC is 09:00 in Berlin (summer time)
    expect(html).toContain('2 logged-in users');
    expect(html).toContain('timeout 1');
    expect(html).toContain('up 1 h 30 min');
    expect(html).toContain('stats &lt;b&gt;bot&lt;/b&gt;');
    expect(html).toContain('x&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toMatch(/<img|<script|<b>/);
    expect(html).not.toContain('secret-room');
    expect(html).not.toContain('-100123');
    expect(html).not.toContain('Disk');
    expect(html).not.toContain(TOKEN);
  });

  it('logs in through the form with an HttpOnly SameSite=Strict cookie that is not the token', async () => {
    const wrong = await fetch(`${server.url}/status`, {
      method: 'POST',
      body: new URLSearchParams({ token: 'nope' }),
      redirect: 'manual',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const right = await fetch(`${server.url}/status`, {
      method: 'POST',
      body: new URLSearchParams({ token: TOKEN }),
      redirect: 'manual',
    });
    expect(right.status).toBe(303);
    expect(right.headers.get('location')).toBe('/status');
    const cookie = right.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^stats_status=[\w-]+; Path=\/status; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    expect(cookie).not.toContain(TOKEN);
    const page = await get({ cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
  });
});
