import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectPostgres,
  createBotRoom,
  startMatrixHomeserver,
  startMetricsTarget,
  startPrometheus,
  startUmami,
  TEST_DATABASE_URL as DATABASE_URL,
  waitForBotJoin,
  type MatrixHomeserver,
  type RunningBot,
  type RunningServer,
  type RunningTsdb,
  type RunningUmami,
} from '@stats/test-utils';
import { startMatrixStatsBot } from './bot-process.js';
import { createSignupsTable, type SignupsTable } from './signups-table.js';

// The weekly report end to end through the example: the bot as a process with WEEKLY_REPORT_CRON
// in a time zone whose date differs from UTC's right now, Umami, Prometheus (one target up, one
// down) and PostgreSQL behind it, the report arriving in MATRIX_REPORT_ROOM_ID. The cron names
// the zone's wall-clock hour and minutes a moment from now (not a week away): a bot reading it
// in UTC, or any other zone, would not send it. The scheduler's first check only records a
// baseline, so the cron also names the minute before the start, and the next five.

/** The calendar date (`YYYY-MM-DD`) of `ms` in `timeZone`. */
function dateIn(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

/** A zone whose date is not UTC's now: UTC+14 from 10:00 UTC on, else UTC−11. */
function zoneOffToday(now: number): string {
  return dateIn(now, 'Pacific/Kiritimati') !== dateIn(now, 'UTC') ? 'Pacific/Kiritimati' : 'Pacific/Pago_Pago';
}

/** `30 <minutes> <hours> * * *`: second 30 of the minute before `now` and of the five after it, as wall-clock times of `timeZone`. */
function cronAroundNow(now: number, timeZone: string): string {
  const wall = new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', minute: 'numeric', hourCycle: 'h23' });
  const minutes = new Set<number>();
  const hours = new Set<number>();
  const minuteStart = Math.floor(now / 60_000) * 60_000;
  for (let k = -1; k <= 5; k++) {
    const parts = wall.formatToParts(minuteStart + k * 60_000 + 30_000);
    hours.add(Number(parts.find((p) => p.type === 'hour')?.value));
    minutes.add(Number(parts.find((p) => p.type === 'minute')?.value));
  }
  return `30 ${[...minutes].join(',')} ${[...hours].join(',')} * * *`;
}

/** "Sat, 28 Nov": how the report names a day (`fmt.day`, locale en), for calendar date `ymd` shifted by `days`. */
function dayLabel(ymd: string, days: number): string {
  const [y, m, d] = ymd.split('-').map(Number) as [number, number, number];
  return new Intl.DateTimeFormat('en', { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(
    Date.UTC(y, m - 1, d + days, 12),
  );
}

let hs: MatrixHomeserver;
let umami: RunningUmami;
let target: RunningServer;
let prometheus: RunningTsdb;
let db: pg.Pool;
let signups: SignupsTable | undefined;
let dataDir: string;
let bot: RunningBot;
let room: string;
let timeZone: string;

beforeAll(async () => {
  // Fails (never skips) with how to start PostgreSQL when it is not running.
  db = await connectPostgres();
  // 7 sign-ups in the week the report covers, 4 in the week before.
  signups = await createSignupsTable(db, `weekly_report_users_${process.pid}`);
  umami = await startUmami({ version: 'v3', password: 'umami-weekly-secret' });
  target = await startMetricsTarget(() => 'app_up 1\n');
  // "billing" points at a port where nothing listens: a service that is down.
  prometheus = await startPrometheus({
    nodeExporter: true,
    targets: [
      { job: 'api', url: target.url },
      { job: 'billing', url: 'http://127.0.0.1:9' },
    ],
  });
  await prometheus.waitFor('up{job="billing"} == 0');
  await prometheus.waitFor('up{job="api"} == 1');
  hs = await startMatrixHomeserver();
  room = createBotRoom(hs, { name: 'reports', members: [hs.human('bob', 'Bob')] }).roomId;
  dataDir = mkdtempSync(join(tmpdir(), 'matrix-stats-weekly-'));
  const now = Date.now();
  timeZone = zoneOffToday(now);
  bot = await startMatrixStatsBot({
    MATRIX_HOMESERVER_URL: hs.url,
    MATRIX_ACCESS_TOKEN: hs.bot.token,
    MATRIX_REPORT_ROOM_ID: room,
    DATA_DIR: dataDir,
    TZ: timeZone,
    WEEKLY_REPORT_CRON: cronAroundNow(now, timeZone),
    // the daily report stays out of the way (29 February, midnight)
    DAILY_REPORT_CRON: '0 0 29 2 *',
    UMAMI_API_URL: umami.url,
    UMAMI_USERNAME: 'admin',
    UMAMI_PASSWORD: 'umami-weekly-secret',
    PROMETHEUS_URL: prometheus.url,
    DATABASE_URL,
    GROWTH_QUERY: signups.growthQuery,
  });
  await waitForBotJoin(hs, room);
}, 180_000);

afterAll(async () => {
  await bot?.terminate('SIGKILL');
  await hs?.stop();
  await prometheus?.stop();
  await target?.stop();
  await umami?.stop();
  await signups?.drop();
  await db?.end();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('examples/matrix-stats-bot: the weekly report', () => {
  it(
    'arrives in the report room at the cron time of TZ, covering the 7 days before in that zone, with every source',
    { timeout: 150_000 },
    async () => {
      const report = await hs.waitFor(
        (e) =>
          e['room_id'] === room &&
          e['sender'] === hs.bot.userId &&
          String((e['content'] as { body?: unknown }).body).includes('Weekly report'),
        {
          timeoutMs: 140_000,
          what: 'the weekly report',
        },
      );
      const content = report['content'] as { body: string; formatted_body?: string; msgtype?: string };
      // The zone's today at the run (the report is sent seconds after its cron time).
      const today = dateIn(Number(report['origin_server_ts']), timeZone);
      expect(today).not.toBe(dateIn(Number(report['origin_server_ts']), 'UTC'));
      expect(content.body).toContain(`Weekly report: ${dayLabel(today, -7)} – ${dayLabel(today, -1)}`);
      // Umami: both sites, their top pages and referrers.
      expect(content.body).toContain('Analytics');
      expect(content.body).toMatch(/chat\.mana\.how/);
      expect(content.body).toMatch(/todo\.mana\.how/);
      expect(content.body).toContain('/login');
      expect(content.body).toContain('google.com');
      // Prometheus: the down target named.
      expect(content.body).toContain('Infrastructure');
      expect(content.body).toMatch(/1 of \d+ services are DOWN/);
      expect(content.body).toContain('billing');
      // PostgreSQL: the 7 sign-ups of the week against 4 the week before.
      expect(content.body).toMatch(/New users this week\W+7 \(\+75(\.0)?\s?%\)/);
      // Rendered for Matrix: HTML with the title as a heading, escaped.
      expect(content.formatted_body).toMatch(/<h1>Weekly report: /);
      // Sent as a report, not as a reply to anyone.
      expect((report['content'] as Record<string, unknown>)['m.relates_to']).toBeUndefined();
      // Logged as a scheduled run, and no secret in the log.
      expect(JSON.stringify(bot.logs)).not.toContain('umami-weekly-secret');
    },
  );
});
