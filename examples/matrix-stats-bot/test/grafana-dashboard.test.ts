import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBotRoom,
  startMatrixHomeserver,
  startPrometheus,
  startUmami,
  waitForBotJoin,
  type MatrixHomeserver,
  type RunningTsdb,
  type RunningUmami,
  type RunningBot,
} from '@stats/test-utils';
import { startMatrixStatsBot } from './bot-process.js';

// deploy/grafana/stats-bot.json: every panel's query, evaluated by a real Prometheus that
// scrapes the example bot (job "stats-bot") after it has answered commands, relayed an alert,
// served from its cache and met an unreachable upstream, returns at least one series, so no
// panel is silently empty because of a wrong metric or label name.
interface Panel {
  readonly type: string;
  readonly title: string;
  readonly targets?: readonly { readonly expr: string }[];
}
const dashboard = JSON.parse(
  readFileSync(new URL('../../../deploy/grafana/stats-bot.json', import.meta.url), 'utf8'),
) as { panels: Panel[] };
const WEBHOOK_TOKEN = 'alertmanager-webhook-token-dashboard';

let hs: MatrixHomeserver;
let umami: RunningUmami;
let prometheus: RunningTsdb;
let dataDir: string;
let bot: RunningBot;

/** A panel query as Grafana sends it, with the dashboard's variables filled in. */
function resolve(expr: string): string {
  return expr.replaceAll('$instance', '.*').replaceAll('$__rate_interval', '1m');
}

async function query(expr: string): Promise<number> {
  const response = await fetch(`${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await response.json()) as { status: string; error?: string; data?: { result: unknown[] } };
  if (body.status !== 'success') throw new Error(`${expr}: ${body.error ?? response.status}`);
  return body.data?.result.length ?? 0;
}

/** Polls until `expr` returns a series (rates need two scrapes after a counter appears); a guard, not a timing assert. */
async function seriesOf(expr: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const count = await query(expr);
    if (count > 0 || Date.now() > deadline) return count;
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  hs = await startMatrixHomeserver();
  umami = await startUmami({ version: 'v3' });
  dataDir = mkdtempSync(join(tmpdir(), 'matrix-stats-dashboard-'));
  const alice = hs.human('alice', 'Alice');
  const room = createBotRoom(hs, { owner: alice, name: 'ops' }).roomId;
  bot = await startMatrixStatsBot({
    MATRIX_HOMESERVER_URL: hs.url,
    MATRIX_ACCESS_TOKEN: hs.bot.token,
    MATRIX_REPORT_ROOM_ID: room,
    DATA_DIR: dataDir,
    UMAMI_API_URL: umami.url,
    UMAMI_USERNAME: 'admin',
    UMAMI_PASSWORD: 'secret',
    PROMETHEUS_URL: 'http://127.0.0.1:9', // nothing listens: an unreachable upstream
    AUTH_URL: 'http://127.0.0.1:9',
    ALERTMANAGER_WEBHOOK_TOKEN: WEBHOOK_TOKEN,
  });
  prometheus = await startPrometheus({ targets: [{ job: 'stats-bot', url: bot.url }] });
  await waitForBotJoin(hs, room);
  for (const command of ['!help', '!stats', '!stats', '!system', '!nosuchcommand'])
    await hs.waitForReply(alice.say(room, command));
  const alert = JSON.stringify({
    version: '4',
    groupKey: '{}:{alertname="DashboardTest"}',
    status: 'firing',
    receiver: 'stats',
    groupLabels: { alertname: 'DashboardTest' },
    commonLabels: { alertname: 'DashboardTest', severity: 'info' },
    commonAnnotations: { summary: 'a test alert' },
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'DashboardTest' },
        annotations: { summary: 'a test alert' },
        startsAt: '2026-11-26T08:00:00Z',
        fingerprint: 'd1',
      },
    ],
  });
  const posted = await fetch(`${bot.url}/webhooks/alertmanager`, {
    method: 'POST',
    headers: { authorization: `Bearer ${WEBHOOK_TOKEN}`, 'content-type': 'application/json' },
    body: alert,
  });
  expect(posted.status).toBeLessThan(300);
  await hs.waitFor(
    (e) => e['room_id'] === room && String((e['content'] as { body?: unknown }).body).includes('DashboardTest'),
    { what: 'relayed alert' },
  );
  await prometheus.waitFor('stats_deliveries_total{job="stats-bot"}', 30_000);
}, 180_000);

afterAll(async () => {
  await bot?.terminate('SIGKILL');
  await prometheus?.stop();
  await umami?.stop();
  await hs?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('deploy/grafana/stats-bot.json', { timeout: 120_000 }, () => {
  const panels = dashboard.panels.filter((p) => p.type !== 'row');

  it('has the panels an operator expects', () => {
    const titles = panels.map((p) => p.title).join('\n');
    for (const topic of [
      /Commands by outcome/,
      /Commands by platform/,
      /latency percentiles/,
      /Upstream calls/,
      /cache hit/,
      /Deliveries/,
      /Logged-in users/,
      /Process memory/,
    ]) {
      expect(titles).toMatch(topic);
    }
  });

  for (const panel of panels) {
    it(`"${panel.title}" returns at least one series from the real Prometheus`, async () => {
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const target of panel.targets ?? [])
        expect(await seriesOf(resolve(target.expr)), target.expr).toBeGreaterThan(0);
    });
  }

  it('would show nothing for a misspelt metric (the check can fail)', async () => {
    expect(
      await query(
        resolve(
          'sum by (outcome) (rate(stats_command_total{job="stats-bot", instance=~"$instance"}[$__rate_interval]))',
        ),
      ),
    ).toBe(0);
  });
});
