import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type RunningAuthServer } from '@stats/test-utils';
import { createSessionCipher, keyFromSecret, type Session, type UserRef } from '../../../src/index.js';
import { createSessionsFromConfig, loadConfig } from '@stats/core/app';
import { SESSION_KEY_FILE } from '../../../src/sessions/index.js';
import { createPostgresSessionStore } from '../../../src/stores/postgres/index.js';
import { createRedisSessionStore } from '../../../src/stores/redis/index.js';
import { sampleSession } from '../../sessions/describe-session-store.js';
import { connectPostgres, connectRedis, uniqueName } from '@stats/test-utils';

const PASSWORD = 'pw-at-rest-7f3a91';
const user: UserRef = { platform: 'matrix', id: '@ivan:example.org' };
let auth: RunningAuthServer;
let redis: Redis;
let pool: pg.Pool;
const dirs: string[] = [];

beforeAll(async () => {
  auth = await startAuthServer();
  auth.addUser({ email: 'ivan@example.org', password: PASSWORD });
  [redis, pool] = await Promise.all([connectRedis(), connectPostgres()]);
});
afterAll(async () => {
  await auth.stop();
  redis.disconnect();
  await pool.end();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stats-data-'));
  dirs.push(dir);
  return dir;
}

/** Every secret that must not appear in stored bytes. */
function secretsOf(session: Session): string[] {
  return [
    session.accessToken,
    session.refreshToken,
    PASSWORD,
    session.accessToken.split('.')[1] ?? 'x',
    session.account.email ?? 'x',
  ];
}

describe('encryption at rest', () => {
  it('keeps no token, password or e-mail readable in the SQLite file, with a 0600 key file in DATA_DIR', async () => {
    const dir = dataDir();
    const config = loadConfig({ AUTH_URL: auth.url, DATA_DIR: dir });
    const sessions = await createSessionsFromConfig(config);
    const session = await sessions?.manager.login(user, { email: 'ivan@example.org', password: PASSWORD });
    expect(session).toBeDefined();
    if (!session) return;
    const raw = Buffer.concat(
      readdirSync(dir)
        .filter((f) => f.startsWith('sessions.sqlite'))
        .map((f) => readFileSync(join(dir, f))),
    );
    expect(raw.length).toBeGreaterThan(0);
    const db = new Database(join(dir, 'sessions.sqlite'), { readonly: true });
    const rows = db.prepare('SELECT * FROM sessions').all();
    db.close();
    expect(rows).toHaveLength(1);
    const text = raw.toString('latin1') + JSON.stringify(rows);
    for (const secret of secretsOf(session)) expect(text).not.toContain(secret);
    expect(statSync(join(dir, SESSION_KEY_FILE)).mode & 0o777).toBe(0o600);
    await sessions?.close();
  });

  it('keeps sessions across a restart with the SQLite default and reuses the key file', async () => {
    const dir = dataDir();
    const config = loadConfig({ AUTH_URL: auth.url, DATA_DIR: dir });
    const first = await createSessionsFromConfig(config);
    const session = await first?.manager.login(user, { email: 'ivan@example.org', password: PASSWORD });
    const key = readFileSync(join(dir, SESSION_KEY_FILE), 'utf8');
    await first?.close();

    const second = await createSessionsFromConfig(config);
    expect(second?.store).toBeDefined();
    const again = await second?.manager.current(user);
    expect(again?.accessToken).toBe(session?.accessToken);
    expect(again?.account.email).toBe('ivan@example.org');
    expect(readFileSync(join(dir, SESSION_KEY_FILE), 'utf8')).toBe(key);
    await second?.close();
  });

  it('uses SESSION_SECRET instead of a key file, and another secret cannot read the sessions', async () => {
    const dir = dataDir();
    const secret = randomBytes(24).toString('hex');
    const sessions = await createSessionsFromConfig(
      loadConfig({ AUTH_URL: auth.url, DATA_DIR: dir, SESSION_SECRET: secret }),
    );
    await sessions?.manager.login(user, { email: 'ivan@example.org', password: PASSWORD });
    await sessions?.close();
    expect(existsSync(join(dir, SESSION_KEY_FILE))).toBe(false);

    const other = await createSessionsFromConfig(
      loadConfig({ AUTH_URL: auth.url, DATA_DIR: dir, SESSION_SECRET: `${secret}-other` }),
    );
    expect(await other?.store.get(user)).toBeUndefined();
    await other?.close();
    const same = await createSessionsFromConfig(
      loadConfig({ AUTH_URL: auth.url, DATA_DIR: dir, SESSION_SECRET: secret }),
    );
    expect((await same?.store.get(user))?.account.email).toBe('ivan@example.org');
    await same?.close();
  });

  it('keeps no token readable in Redis', async () => {
    const keyPrefix = `${uniqueName('enc')}:`;
    const store = createRedisSessionStore({
      client: redis,
      keyPrefix,
      cipher: createSessionCipher(keyFromSecret('x'.repeat(40))),
    });
    const session = sampleSession(user);
    await store.set(user, session, 60_000);
    const keys = await redis.keys(`${keyPrefix}*`);
    expect(keys).toHaveLength(1);
    const raw = await redis.get(keys[0] ?? '');
    expect(raw).toMatch(/^v1\./);
    for (const secret of secretsOf(session)) expect(raw).not.toContain(secret);
    expect(await redis.pttl(keys[0] ?? '')).toBeGreaterThan(0);
    await redis.del(...keys);
  });

  it('keeps no token readable in PostgreSQL', async () => {
    const table = uniqueName('enc').toLowerCase();
    const store = createPostgresSessionStore({
      pool,
      table,
      cipher: createSessionCipher(randomBytes(32)),
      purgeEveryMs: 0,
    });
    const session = sampleSession(user);
    await store.set(user, session, 60_000);
    const { rows } = await pool.query(`SELECT * FROM ${table}`);
    expect(rows).toHaveLength(1);
    const text = JSON.stringify(rows);
    for (const secret of secretsOf(session)) expect(text).not.toContain(secret);
    await pool.query(`DROP TABLE ${table}, ${table}_locks`);
  });

  it('purges expired PostgreSQL rows', async () => {
    let t = Date.now();
    const table = uniqueName('purge').toLowerCase();
    const store = createPostgresSessionStore({
      pool,
      table,
      cipher: createSessionCipher(randomBytes(32)),
      now: () => t,
      purgeEveryMs: 0,
    });
    await store.set(user, sampleSession(user), 1000);
    await store.set({ platform: 'discord', id: '1' }, sampleSession({ platform: 'discord', id: '1' }), 60_000);
    t += 5000;
    expect(await store.purgeExpired()).toBe(1);
    expect((await pool.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]).toEqual({ n: 1 });
    await pool.query(`DROP TABLE ${table}, ${table}_locks`);
  });

  it('creates its PostgreSQL tables when several processes start at once', async () => {
    const table = uniqueName('race').toLowerCase();
    const cipher = createSessionCipher(randomBytes(32));
    const stores = Array.from({ length: 8 }, () =>
      createPostgresSessionStore({ pool, table, cipher, purgeEveryMs: 0 }),
    );
    await Promise.all(stores.map((store) => store.ready()));
    await stores[0]?.set(user, sampleSession(user), 60_000);
    expect((await stores[3]?.get(user))?.user).toEqual(user);
    await pool.query(`DROP TABLE ${table}, ${table}_locks`);
  });
});
