import { createServer, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsCommands } from '../../../src/app/commands/index.js';
import { loadConfig } from '../../../src/app/config/index.js';
import { TimeoutError, UnreachableError, UpstreamError } from '../../../src/errors/index.js';
import { createGrowthSource, createSources } from '../../../src/sources/index.js';
import { createTestBot } from '../../../src/testing/index.js';

const ADMIN_URL = 'postgresql://postgres@127.0.0.1:5432/test';
const DB = `stats_growth_${process.pid}_${Date.now()}`;
const DB_URL = `postgresql://postgres@127.0.0.1:5432/${DB}`;
const DAY = 86_400_000;
const NOW = Date.parse('2026-02-10T12:00:00Z');

let admin: pg.Client;

beforeAll(async () => {
  admin = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not answering on 127.0.0.1:5432 (run "node scripts/test-setup.mjs"): ${String(err)}`,
    );
  }
  await admin.query(`CREATE DATABASE ${DB}`);
  const c = new pg.Client({ connectionString: DB_URL });
  await c.connect();
  await c.query(
    'CREATE SCHEMA auth; CREATE TABLE auth.users (id serial primary key, email text, created_at timestamptz not null)',
  );
  // 3 users today (Berlin), 2 yesterday, 1 ten days ago, 1 at 23:30 UTC on Feb 8 = Feb 9 in Berlin.
  const rows = [
    NOW - 3600_000,
    NOW - 7200_000,
    NOW - 3 * 3600_000,
    NOW - DAY,
    NOW - DAY - 60_000,
    NOW - 10 * DAY,
    Date.parse('2026-02-08T23:30:00Z'),
  ];
  for (const [i, at] of rows.entries())
    await c.query('INSERT INTO auth.users (email, created_at) VALUES ($1, $2)', [`u${i}@example.org`, new Date(at)]);
  await c.end();
});

afterAll(async () => {
  await admin?.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin?.end();
});

describe('growth source on real PostgreSQL', () => {
  it('counts sign-ups per day in the configured time zone', async () => {
    const growth = createGrowthSource({ url: DB_URL, timeZone: 'Europe/Berlin' });
    try {
      const data = await growth.signups();
      expect(data.total).toBe(7);
      expect(data.days).toEqual([
        { day: '2026-01-31', signups: 1 },
        { day: '2026-02-09', signups: 3 },
        { day: '2026-02-10', signups: 3 },
      ]);
    } finally {
      await growth.close();
    }
  });

  it('runs read-only: a writing GROWTH_QUERY fails without writing', async () => {
    const growth = createGrowthSource({
      url: DB_URL,
      timeZone: 'UTC',
      query:
        "INSERT INTO auth.users (email, created_at) VALUES ('x', now()) RETURNING '2026-01-01' AS day, 1 AS signups",
    });
    try {
      const err = (await growth.signups().catch((e: unknown) => e)) as UpstreamError;
      expect(err).toBeInstanceOf(UpstreamError);
      expect(err.userMessage).toContain('25006');
    } finally {
      await growth.close();
    }
    const check = new pg.Client({ connectionString: DB_URL });
    await check.connect();
    expect((await check.query('SELECT count(*)::int AS n FROM auth.users')).rows[0].n).toBe(7);
    await check.end();
  });

  it('rejects a GROWTH_QUERY that commits and writes, and nothing is written', async () => {
    const escape = "commit; create table growth_escape (id int); select '2026-01-01' as day, 1 as signups";
    for (const query of [escape, escape.replace("select '2026", "select $1::text, '2026")]) {
      const growth = createGrowthSource({ url: DB_URL, timeZone: 'UTC', query });
      try {
        const err = (await growth.signups().catch((e: unknown) => e)) as UpstreamError;
        expect(err).toBeInstanceOf(UpstreamError);
        // 42601: cannot insert multiple commands into a prepared statement.
        expect(err.userMessage).toContain('42601');
      } finally {
        await growth.close();
      }
    }
    const check = new pg.Client({ connectionString: DB_URL });
    await check.connect();
    const created = await check.query("SELECT to_regclass('public.growth_escape') AS t");
    await check.end();
    expect(created.rows[0].t).toBeNull();
  });

  it('stops a slow query at the statement timeout', async () => {
    const growth = createGrowthSource({
      url: DB_URL,
      timeZone: 'UTC',
      statementTimeoutMs: 100,
      query: "SELECT '2026-01-01' AS day, 1 AS signups FROM pg_sleep(5)",
    });
    try {
      await expect(growth.signups()).rejects.toBeInstanceOf(TimeoutError);
    } finally {
      await growth.close();
    }
  });

  it('keeps the connect timeout apart from a short statement timeout, and calls a silent server a timeout', async () => {
    // A server that accepts the TCP connection and never answers the startup message.
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    const growth = createGrowthSource({
      url: `postgresql://postgres@127.0.0.1:${port}/test`,
      timeZone: 'UTC',
      statementTimeoutMs: 50,
      connectTimeoutMs: 300,
    });
    try {
      const started = Date.now();
      const err = (await growth.signups().catch((e: unknown) => e)) as TimeoutError;
      expect(err).toBeInstanceOf(TimeoutError);
      expect(err.userMessage).not.toContain('GROWTH_QUERY');
      // It waited for the connect timeout, not the 50 ms statement budget.
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    } finally {
      await growth.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });

  it('accepts an overriding query without $1', async () => {
    const growth = createGrowthSource({
      url: DB_URL,
      timeZone: 'UTC',
      query: "SELECT '2026-02-01'::date AS day, count(*) AS signups FROM auth.users",
    });
    try {
      expect(await growth.signups()).toEqual({ total: 7, days: [{ day: '2026-02-01', signups: 7 }] });
    } finally {
      await growth.close();
    }
  });

  it('calls a missing table a failed query and an unreachable server unreachable', async () => {
    const missing = createGrowthSource({
      url: ADMIN_URL,
      timeZone: 'UTC',
      query: 'SELECT day, signups FROM no_such_table',
    });
    const down = createGrowthSource({ url: 'postgresql://postgres@127.0.0.1:1/test', timeZone: 'UTC' });
    try {
      await expect(missing.signups()).rejects.toMatchObject({ userMessage: expect.stringContaining('GROWTH_QUERY') });
      await expect(down.signups()).rejects.toBeInstanceOf(UnreachableError);
    } finally {
      await missing.close();
      await down.close();
    }
  });

  it('!growth answers with totals and the change', async () => {
    const config = loadConfig({ DATABASE_URL: DB_URL });
    const sources = createSources(config);
    const bot = await createTestBot({ commands: analyticsCommands(), sources, config, now: () => NOW });
    try {
      const reply = await bot.say('!growth');
      expect(reply.plain).toMatch(/Users:?\s+7/);
      expect(reply.plain).toMatch(/Today:?\s+3 \(±0% vs yesterday\)/);
      expect(reply.plain).toMatch(/7 days:?\s+6/);
    } finally {
      await bot.stop();
      await sources.close();
    }
  });
});
