import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import {
  connectRedis,
  dropPrefix,
  startAuthServer,
  testPrefix,
  TEST_REDIS_URL,
  type RunningAuthServer,
} from '@stats/test-utils';
import { createTestBot, type TestBot } from '../../../src/testing/index.js';
import {
  createAccountCommands,
  createLoginLimiter,
  createRedisLoginLimiter,
  createSessionsFromConfig,
  loadConfig,
  type LoginLimiter,
} from '../../../src/app/index.js';
import { createAuthServiceClient, createMemorySessionStore, createSessionManager } from '../../../src/index.js';

const PASSWORD = 'c0rrect-horse-battery';
let auth: RunningAuthServer;
let redis: Redis;
const prefixes: string[] = [];
const bots: TestBot[] = [];

beforeAll(async () => {
  auth = await startAuthServer();
  auth.addUser({ email: 'alice@example.org', password: PASSWORD, name: 'Alice' });
  redis = await connectRedis();
});
afterEach(async () => {
  await Promise.all(bots.splice(0).map((b) => b.stop()));
  auth.clearFailures();
});
afterAll(async () => {
  for (const prefix of prefixes) await dropPrefix(redis, prefix);
  await redis.quit();
  await auth.stop();
});

async function loginBot(limiter: LoginLimiter): Promise<TestBot> {
  const client = createAuthServiceClient({ url: auth.url });
  const manager = createSessionManager({ store: createMemorySessionStore(), providers: [client] });
  const bot = await createTestBot({ commands: createAccountCommands({ manager, limiter }), sessions: manager });
  bots.push(bot);
  return bot;
}

function redisPrefix(): string {
  const prefix = testPrefix();
  prefixes.push(prefix);
  return prefix;
}

describe('login brute-force limit', () => {
  it('lets at most 5 of 50 concurrent logins from one chat user reach the auth service', async () => {
    const bot = await loginBot(createLoginLimiter());
    // Slow answers keep every attempt in flight at once, as an attacker's burst would be.
    auth.fail('login', { delayMs: 50 }, 50);
    const before = auth.calls('login');
    // Concurrent `say`s cannot tell whose answer is whose: count every answer sent.
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => bot.sayAll(`!login alice@example.org guess-${i}`, { user: '@mallory' })),
    );
    const replies = bot.adapter.sent;
    expect(replies).toHaveLength(50);
    expect(auth.calls('login') - before).toBeLessThanOrEqual(5);
    expect(replies.filter((r) => /Wrong e-mail or password/.test(r.plain))).toHaveLength(5);
    expect(replies.filter((r) => /Too many login attempts, try again in 15 min/.test(r.plain))).toHaveLength(45);
  });

  it('lets at most 10 attempts on one e-mail through from 20 chat users with 6 tries each', async () => {
    const bot = await loginBot(createLoginLimiter());
    const before = auth.calls('login');
    // The e-mail is normalised: case and surrounding spaces do not make a new key.
    const spellings = ['alice@example.org', 'ALICE@example.org', 'Alice@Example.Org'];
    await Promise.all(
      Array.from({ length: 20 }, async (_, user) => {
        for (let i = 0; i < 6; i++)
          await bot.say(`!login ${spellings[i % 3] ?? ''} guess-${user}-${i}`, { user: `@bot-${user}` });
      }),
    );
    expect(auth.calls('login') - before).toBeLessThanOrEqual(10);
    expect(auth.calls('login') - before).toBeGreaterThan(0);
  });

  it('does not count a successful login against the user, nor an attempt the auth service never answered', async () => {
    const bot = await loginBot(createLoginLimiter({ perUser: 2 }));
    auth.fail('login', { status: 503 });
    for (let i = 0; i < 3; i++)
      expect((await bot.say(`!login alice@example.org ${PASSWORD}`, { user: '@flaky' })).plain).not.toMatch(/Too many/);
    auth.clearFailures();
    for (let i = 0; i < 3; i++)
      expect((await bot.say(`!login alice@example.org ${PASSWORD}`, { user: '@flaky' })).plain).toContain('Logged in');
    expect((await bot.say('!login alice@example.org wrong-1', { user: '@flaky' })).plain).toContain(
      'Wrong e-mail or password',
    );
    expect((await bot.say('!login alice@example.org wrong-2', { user: '@flaky' })).plain).toContain(
      'Wrong e-mail or password',
    );
    expect((await bot.say(`!login alice@example.org ${PASSWORD}`, { user: '@flaky' })).plain).toMatch(
      /Too many login attempts, try again in 15 min/,
    );
  });

  it('shares the limit between two bot instances through the real Redis', async () => {
    const keyPrefix = redisPrefix();
    const first = await loginBot(createRedisLoginLimiter(redis, { keyPrefix }));
    const second = await loginBot(createRedisLoginLimiter(redis, { keyPrefix }));
    auth.fail('login', { delayMs: 30 }, 40);
    const before = auth.calls('login');
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? first : second).sayAll(`!login alice@example.org redis-guess-${i}`, { user: '@mallory' }),
      ),
    );
    const replies = [...first.adapter.sent, ...second.adapter.sent];
    expect(auth.calls('login') - before).toBeLessThanOrEqual(5);
    expect(
      replies.filter((r) => /Too many login attempts, try again in 15 min/.test(r.plain)).length,
    ).toBeGreaterThanOrEqual(35);
    // Another chat user on another e-mail is not affected.
    auth.addUser({ email: 'trent@example.org', password: PASSWORD });
    expect((await second.say(`!login trent@example.org ${PASSWORD}`, { user: '@trent' })).plain).toContain('Logged in');
  });

  it('keeps the e-mail limit across replicas and expires with the window', async () => {
    const keyPrefix = redisPrefix();
    const a = createRedisLoginLimiter(redis, { keyPrefix, perEmail: 3, windowMs: 60_000 });
    const b = createRedisLoginLimiter(redis, { keyPrefix, perEmail: 3, windowMs: 60_000 });
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        (i % 2 === 0 ? a : b).reserve({ user: { platform: 'telegram', id: String(i) }, email: ' Bob@Example.org ' }),
      ),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(3);
    const refused = outcomes.find((o) => !o.ok);
    expect(refused && !refused.ok ? refused.retryAfterMs : 0).toBeGreaterThan(50_000);
    expect(await redis.pttl(`${keyPrefix}login:email:bob@example.org`)).toBeGreaterThan(50_000);
    // Giving an unanswered attempt back frees a place for the next one.
    const first = outcomes[0];
    if (first?.ok) await first.released();
    expect((await b.reserve({ user: { platform: 'telegram', id: 'late' }, email: 'bob@example.org' })).ok).toBe(true);
  });

  it('limits logins in the process while Redis is unreachable, instead of refusing them all', async () => {
    // Nothing listens on port 1: every command fails at once.
    const down = new Redis('redis://127.0.0.1:1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      retryStrategy: () => null,
    });
    down.on('error', () => undefined);
    const errors: unknown[] = [];
    const limiter = createRedisLoginLimiter(down, {
      keyPrefix: redisPrefix(),
      perUser: 2,
      onRedisError: (err) => errors.push(err),
    });
    const user = { platform: 'matrix', id: '@offline' };
    const outcomes = [];
    for (let i = 0; i < 3; i++) outcomes.push(await limiter.reserve({ user, email: 'alice@example.org' }));
    expect(outcomes.map((o) => o.ok)).toEqual([true, true, false]);
    expect(errors.length).toBeGreaterThanOrEqual(3);
    down.disconnect();
  });

  it('shares LOGIN_ATTEMPTS_PER_USER between two bots configured with the same REDIS_URL and prefix', async () => {
    const env = {
      AUTH_URL: auth.url,
      SESSION_STORE: 'memory',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_KEY_PREFIX: redisPrefix(),
      LOGIN_ATTEMPTS_PER_USER: '3',
    };
    const replicas = await Promise.all([
      createSessionsFromConfig(loadConfig(env)),
      createSessionsFromConfig(loadConfig(env)),
    ]);
    try {
      const testBots = await Promise.all(
        replicas.map(async (r) => {
          if (r === undefined) throw new Error('AUTH_URL is set: sessions must be configured');
          return createTestBot({ commands: r.commands, sessions: r.manager });
        }),
      );
      bots.push(...testBots);
      const before = auth.calls('login');
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          testBots[i % 2]?.sayAll(`!login alice@example.org cfg-guess-${i}`, { user: '@mallory-cfg' }),
        ),
      );
      expect(auth.calls('login') - before).toBeLessThanOrEqual(3);
    } finally {
      await Promise.all(bots.splice(0).map((b) => b.stop()));
      await Promise.all(replicas.map((r) => r?.close()));
    }
  });
});
