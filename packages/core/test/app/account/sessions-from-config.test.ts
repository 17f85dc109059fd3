import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type RunningAuthServer } from '@stats/test-utils';
import { createSessionsFromConfig, loadConfig } from '@stats/core/app';
import { type UserRef } from '../../../src/index.js';
import { connectPostgres, connectRedis, uniqueName } from '@stats/test-utils';

const user: UserRef = { platform: 'telegram', id: uniqueName('cfg') };
let auth: RunningAuthServer;
let redis: Redis;
let pool: pg.Pool;
let dir: string;
beforeAll(async () => {
  auth = await startAuthServer();
  auth.addUser({ email: 'kim@example.org', password: 'pw-kim-123' });
  [redis, pool] = await Promise.all([connectRedis(), connectPostgres()]);
  dir = mkdtempSync(join(tmpdir(), 'stats-cfg-'));
});
afterAll(async () => {
  await auth.stop();
  redis.disconnect();
  await pool.end();
  rmSync(dir, { recursive: true, force: true });
});

const base = (): Record<string, string> => ({
  AUTH_URL: auth.url,
  DATA_DIR: dir,
  SESSION_SECRET: 'a-test-secret-of-at-least-32-characters',
});

describe('createSessionsFromConfig', () => {
  it('is undefined when neither AUTH_URL nor OIDC_ISSUER is set', async () => {
    expect(await createSessionsFromConfig(loadConfig({ DATA_DIR: dir }))).toBeUndefined();
  });

  it('stores sessions in Redis under REDIS_KEY_PREFIX with SESSION_STORE=redis', async () => {
    const prefix = `${uniqueName('cfg')}:`;
    const sessions = await createSessionsFromConfig(
      loadConfig({ ...base(), SESSION_STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:6379', REDIS_KEY_PREFIX: prefix }),
    );
    await sessions?.manager.login(user, { email: 'kim@example.org', password: 'pw-kim-123' });
    const keys = await redis.keys(`${prefix}*`);
    expect(keys).toEqual([`${prefix}session:${user.platform}:${user.id}`]);
    expect(sessions?.commands.map((c) => c.name)).toEqual(['login', 'logout', 'status', 'mystats']);
    await sessions?.close();
    await redis.del(...keys);
  });

  it('stores sessions in its own PostgreSQL table with SESSION_STORE=postgres', async () => {
    const sessions = await createSessionsFromConfig(
      loadConfig({
        ...base(),
        SESSION_STORE: 'postgres',
        SESSION_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
      }),
    );
    await sessions?.manager.login(user, { email: 'kim@example.org', password: 'pw-kim-123' });
    const { rows } = await pool.query('SELECT user_key FROM stats_sessions WHERE user_key = $1', [
      `${user.platform}:${user.id}`,
    ]);
    expect(rows).toHaveLength(1);
    await sessions?.store.delete(user);
    await sessions?.close();
  });

  it('verifies tokens against the JWKS when AUTH_JWKS_URL and AUTH_ISSUER are set', async () => {
    const good = await createSessionsFromConfig(
      loadConfig({
        ...base(),
        SESSION_STORE: 'memory',
        AUTH_JWKS_URL: `${auth.url}/.well-known/jwks.json`,
        AUTH_ISSUER: auth.issuer,
      }),
    );
    await expect(
      good?.manager.login(user, { email: 'kim@example.org', password: 'pw-kim-123' }),
    ).resolves.toBeDefined();
    const bad = await createSessionsFromConfig(
      loadConfig({ ...base(), SESSION_STORE: 'memory', AUTH_ISSUER: 'https://auth.mana.how' }),
    );
    await expect(bad?.manager.login(user, { email: 'kim@example.org', password: 'pw-kim-123' })).rejects.toMatchObject({
      code: 'auth',
    });
  });
});
