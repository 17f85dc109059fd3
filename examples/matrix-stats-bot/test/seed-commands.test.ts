import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  connectPostgres,
  createBotRoom,
  DEFAULT_UMAMI_WEBSITES,
  startMatrixHomeserver,
  startMetricsTarget,
  startPrometheus,
  startUmami,
  type MatrixHomeserver,
  type MatrixHuman,
  type RunningServer,
  type RunningTsdb,
  type RunningBot,
  type RunningUmami,
  TEST_DATABASE_URL as DATABASE_URL,
} from '@stats/test-utils';
import { startMatrixStatsBot } from './bot-process.js';
import { createSignupsTable, type SignupsTable } from './signups-table.js';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';

let hs: MatrixHomeserver;
let umami: RunningUmami;
let target: RunningServer;
let prometheus: RunningTsdb;
let db: pg.Pool;
let signups: SignupsTable | undefined;
let dataDir: string;
let bot: RunningBot;
let alice: MatrixHuman;
let room: string;

const content = (e: Record<string, unknown>): { body: string; formatted_body?: string; msgtype?: string } =>
  e['content'] as { body: string; formatted_body?: string };

let people = 0;

/** A new member for each test: the bot's per-user rate limit (8 commands, then one per 2 s) stays out of the way. */
function member(): MatrixHuman {
  people += 1;
  const person = hs.human(`member${people}`, `Member ${people}`);
  alice.invite(room, person.userId);
  person.join(room);
  return person;
}

let asker: MatrixHuman | undefined;
beforeEach(() => {
  asker = undefined;
});

async function ask(text: string): Promise<{ body: string; html: string }> {
  asker ??= member();
  const reply = content(await hs.waitForReply(asker.say(room, text), { timeoutMs: 20_000 }));
  return { body: reply.body, html: reply.formatted_body ?? '' };
}

function exposition(scrape: number): string {
  return [
    '# TYPE http_requests_total counter',
    `http_requests_total{job="api",status="200"} ${scrape * 90}`,
    `http_requests_total{job="api",status="500"} ${scrape * 10}`,
    'pg_up 1',
    'pg_stat_database_numbackends{datname="manacore"} 7',
    'pg_database_size_bytes{datname="manacore"} 8000000',
    'redis_up 1',
    'redis_connected_clients 2',
    'redis_memory_used_bytes 1048576',
    'redis_db_keys{db="db0"} 42',
    '',
  ].join('\n');
}

beforeAll(async () => {
  // Fails (never skips) with how to start PostgreSQL when it is not running.
  db = await connectPostgres();
  signups = await createSignupsTable(db, `matrix_e2e_users_${process.pid}`);
  umami = await startUmami({
    version: 'v3',
    password: 'umami-secret',
    websites: [
      ...DEFAULT_UMAMI_WEBSITES,
      {
        id: '11111111-2222-3333-4444-555555555555',
        name: HOSTILE,
        domain: '"><b>x</b>',
        current: { pageviews: 5, visitors: 3, visits: 3, bounces: 1, totaltime: 20 },
        previous: { pageviews: 5, visitors: 3, visits: 3, bounces: 1, totaltime: 20 },
        active: 1,
        daily: [1, 2],
        metrics: { page: [{ x: '/<b>hi</b>', y: 4 }] },
      },
    ],
  });
  target = await startMetricsTarget(exposition);
  prometheus = await startPrometheus({
    nodeExporter: true,
    targets: [{ job: 'app', url: target.url, honorLabels: true }],
  });
  await prometheus.waitFor('rate(node_cpu_seconds_total{mode="idle"}[1m])');
  await prometheus.waitFor('rate(http_requests_total[1m])');
  hs = await startMatrixHomeserver();
  alice = hs.human('alice', 'Alice');
  room = createBotRoom(hs, { owner: alice, name: 'ops', members: [hs.human('bob', 'Bob')] }).roomId;
  dataDir = mkdtempSync(join(tmpdir(), 'matrix-stats-bot-seed-'));
  bot = await startMatrixStatsBot({
    MATRIX_HOMESERVER_URL: hs.url,
    MATRIX_ACCESS_TOKEN: hs.bot.token,
    MATRIX_REPORT_ROOM_ID: room,
    DATA_DIR: dataDir,
    UMAMI_API_URL: umami.url,
    UMAMI_USERNAME: 'admin',
    UMAMI_PASSWORD: 'umami-secret',
    PROMETHEUS_URL: prometheus.url,
    DATABASE_URL,
    GROWTH_QUERY: signups.growthQuery,
    // once a minute, 25 s from now, instead of 09:00: the test sees a scheduled report arrive.
    // With the default grace (2 h) the scheduler's first check finds the previous minute's run and
    // records its baseline at once, so the next run (≤ 60 s) is sent rather than the one after.
    DAILY_REPORT_CRON: `${(new Date().getSeconds() + 25) % 60} * * * * *`,
  });
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

describe('examples/matrix-stats-bot: every seed command end to end', { timeout: 60_000 }, () => {
  it('!help lists every seed command', async () => {
    const { body } = await ask('!help');
    for (const name of [
      'stats',
      'today',
      'week',
      'realtime',
      'system',
      'services',
      'traffic',
      'db',
      'growth',
      'login',
      'logout',
      'status',
      'mystats',
    ]) {
      expect(body).toContain(`!${name}`);
    }
  });

  it('!stats, !today, !week and !realtime show the Umami figures, hostile names escaped', async () => {
    const stats = await ask('!stats');
    expect(stats.body).toContain('Analytics: last 30 days');
    expect(stats.body).toMatch(/chat\.mana\.how\s+2,301/);
    expect(stats.html).not.toMatch(/<script|<img/i);
    expect(stats.html).toContain('&lt;script&gt;');
    expect((await ask('!today')).body).toMatch(/^Today, /m);
    expect((await ask('!week')).body).toContain('Last 7 days');
    expect((await ask('!realtime')).body).toMatch(/Active visitors:?\s+8/);
  });

  it('!system, !services, !traffic and !db read the real Prometheus', async () => {
    const system = await ask('!system');
    expect(system.body).toMatch(/^System/m);
    expect(system.body).toMatch(/CPU/);
    expect(system.body).toMatch(/Memory/);
    expect((await ask('!services')).body).toMatch(/Services: \d+ up, 0 down/);
    expect((await ask('!traffic')).body).toContain('api');
    const databases = await ask('!db');
    expect(databases.body).toContain('PostgreSQL: UP');
    expect(databases.body).toContain('Redis: UP');
  });

  it('!growth counts the users in PostgreSQL', async () => {
    const growth = await ask('!growth');
    expect(growth.body).toContain('User growth');
    expect(growth.body).toMatch(/Users:?\s+12/);
  });

  it('!status, !mystats and !logout say how to log in when nobody is logged in', async () => {
    for (const command of ['!status', '!mystats', '!logout'])
      expect((await ask(command)).body.length).toBeGreaterThan(0);
  });

  it('sends a chart as an m.image', { timeout: 40_000 }, async () => {
    await ask('!week');
    const image = await hs.waitFor((e) => e['room_id'] === room && content(e).msgtype === 'm.image', {
      timeoutMs: 30_000,
      what: 'chart image',
    });
    expect(content(image).body.length).toBeGreaterThan(0);
    const stored = hs.state.media.get(
      String((image['content'] as { url?: string }).url)
        .split('/')
        .at(-1) ?? '',
    );
    expect(stored?.bytes.subarray(1, 4).toString()).toBe('PNG');
  });

  it('delivers the scheduled daily report into MATRIX_REPORT_ROOM_ID', { timeout: 80_000 }, async () => {
    const report = await hs.waitFor(
      (e) =>
        e['room_id'] === room &&
        e['sender'] === hs.bot.userId &&
        (content(e).body ?? '').includes('Analytics') &&
        !(e['content'] as Record<string, unknown>)['m.relates_to'],
      { timeoutMs: 70_000, what: 'daily report' },
    );
    expect(content(report).body).toMatch(/chat\.mana\.how/);
  });

  it('never logs the Umami password or message text', async () => {
    await ask('!stats with-a-phrase-only-in-the-message');
    await ask('!nosuch another-phrase-only-in-the-message');
    const logs = JSON.stringify(bot.logs);
    expect(logs).not.toContain('umami-secret');
    expect(logs).not.toContain('phrase-only-in-the-message');
  });
});
