import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type RunningAuthServer } from '@stats/test-utils';
import { createTestBot, type TestBot } from '../../../src/testing/index.js';
import { createAccountCommands, createLoginLimiter } from '@stats/core/app';
import {
  createAuthServiceClient,
  createMemorySessionStore,
  createSessionManager,
  type SessionStore,
} from '../../../src/index.js';
import { captureLogger } from './log-capture.js';

const PASSWORD = 'Tr0ub4dor&3-secret';
let auth: RunningAuthServer;
beforeAll(async () => {
  auth = await startAuthServer();
  auth.addUser({ email: 'alice@example.org', password: PASSWORD, name: 'Alice' });
});
afterAll(() => auth.stop());
afterEach(() => auth.clearFailures());

async function bot(): Promise<{ bot: TestBot; store: SessionStore; lines: string[] }> {
  const { logger, lines } = captureLogger();
  const store = createMemorySessionStore();
  const client = createAuthServiceClient({ url: auth.url, logger });
  const manager = createSessionManager({ store, providers: [client], logger });
  const commands = createAccountCommands({ manager, credits: client, limiter: createLoginLimiter() });
  return { bot: await createTestBot({ commands, sessions: manager, logger }), store, lines };
}

describe('account commands', () => {
  it('logs in in a direct room, shows status and mystats, and logs out', async () => {
    const { bot: b, store } = await bot();
    const now = Date.now();
    auth.addTransactions('alice@example.org', [
      {
        id: '1',
        type: 'usage',
        amount: -3,
        appId: 'chat',
        description: 'msg',
        createdAt: new Date(now - 86_400_000).toISOString(),
      },
      {
        id: '2',
        type: 'usage',
        amount: -2,
        appId: 'chat',
        description: 'msg',
        createdAt: new Date(now - 2 * 86_400_000).toISOString(),
      },
      {
        id: '3',
        type: 'purchase',
        amount: 100,
        appId: 'store',
        description: 'buy',
        createdAt: new Date(now - 3 * 86_400_000).toISOString(),
      },
      {
        id: '4',
        type: 'usage',
        amount: -50,
        appId: 'old-app',
        description: 'old',
        createdAt: new Date(now - 40 * 86_400_000).toISOString(),
      },
    ]);
    const login = await b.say(`!login alice@example.org ${PASSWORD}`);
    expect(login.plain).toContain('Logged in as alice@example.org');
    expect(login.plain).not.toContain(PASSWORD);
    expect(await store.get({ platform: 'memory', id: '@alice' })).toBeDefined();

    const status = await b.say('!status');
    expect(status.plain).toContain('alice@example.org');
    expect(status.plain).toMatch(/Credits\W+150/);
    expect(status.plain).toMatch(/Session ends/);

    const mystats = await b.say('!mystats');
    expect(mystats.plain).toMatch(/chat\s*\|?\s*usage\s*\|?\s*2\s*\|?\s*-5/);
    expect(mystats.plain).toMatch(/store\s*\|?\s*purchase\s*\|?\s*1\s*\|?\s*100/);
    expect(mystats.plain).not.toContain('old-app');

    expect((await b.say('!logout')).plain).toContain('Logged out');
    expect(await store.get({ platform: 'memory', id: '@alice' })).toBeUndefined();
    expect((await b.say('!status')).plain).toMatch(/not logged in.*login/i);
    await b.stop();
  });

  it('answers status and mystats without a session with how to log in', async () => {
    const { bot: b } = await bot();
    for (const command of ['!status', '!mystats']) {
      expect((await b.say(command, { user: '@nobody' })).plain).toMatch(/not logged in.*!login/i);
    }
    await b.stop();
  });

  it('removes a login seen in a group room, warns, and never sends or stores the password', async () => {
    const { bot: b, store, lines } = await bot();
    const sentBefore = auth.receivedPasswords.length;
    const reply = await b.say(`!login alice@example.org ${PASSWORD}`, { direct: false, user: '@bob' });
    expect(b.adapter.redacted).toHaveLength(1);
    expect(reply.plain).toMatch(/removed your message/i);
    expect(reply.plain).not.toContain(PASSWORD);
    expect(auth.receivedPasswords.length).toBe(sentBefore);
    expect(await store.list()).toEqual([]);
    expect(lines.join('')).not.toContain(PASSWORD);
    await b.stop();
  });

  it('never writes the password to a log line, on success or failure', async () => {
    const { bot: b, lines } = await bot();
    await b.say(`!login alice@example.org ${PASSWORD}`, { user: '@log1' });
    await b.say(`!login alice@example.org wrong-${PASSWORD}`, { user: '@log2' });
    auth.fail('login', { status: 500 }, 1);
    await b.say(`!login alice@example.org ${PASSWORD}`, { user: '@log3' });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('')).not.toContain(PASSWORD);
    await b.stop();
  });

  it('blocks a chat user after 5 failed logins in 15 minutes, without asking the auth service', async () => {
    const { bot: b } = await bot();
    for (let i = 0; i < 5; i++) {
      expect((await b.say(`!login alice@example.org wrong${i}`, { user: '@mallory' })).plain).toContain(
        'Wrong e-mail or password',
      );
    }
    const before = auth.calls('login');
    const blocked = await b.say(`!login alice@example.org ${PASSWORD}`, { user: '@mallory' });
    expect(blocked.plain).toMatch(/Too many login attempts, try again in 15 min/);
    expect(auth.calls('login')).toBe(before);
    // Another chat user is not affected.
    expect((await b.say(`!login alice@example.org ${PASSWORD}`, { user: '@trent' })).plain).toContain('Logged in');
    await b.stop();
  });

  it('reports a rate-limited login as "try again in N s", not as a wrong password', async () => {
    const { bot: b } = await bot();
    auth.fail('login', { status: 429, retryAfterSeconds: 30 }, 1);
    const reply = await b.say(`!login alice@example.org ${PASSWORD}`, { user: '@rl' });
    expect(reply.plain).toContain('try again in 30 s');
    expect(reply.plain).not.toContain('Wrong');
    await b.stop();
  });

  it('warns and urges a password change when the platform cannot remove the login message', async () => {
    const manager = createSessionManager({
      store: createMemorySessionStore(),
      providers: [createAuthServiceClient({ url: auth.url })],
    });
    const b = await createTestBot({
      commands: createAccountCommands({ manager }),
      sessions: manager,
      adapter: { redactResult: { removed: false, reason: 'M_FORBIDDEN' } },
    });
    const sentBefore = auth.receivedPasswords.length;
    const reply = await b.say(`!login alice@example.org ${PASSWORD}`, { direct: false, user: '@bob' });
    expect(reply.plain).toMatch(/could not remove.*M_FORBIDDEN.*Change your password/s);
    expect(reply.plain).not.toContain(PASSWORD);
    expect(auth.receivedPasswords.length).toBe(sentBefore);
    await b.stop();
  });

  it('tells the user to log in again when the session could not be renewed', async () => {
    const { bot: b, store } = await bot();
    auth.setAccessTtl(30);
    await b.say(`!login alice@example.org ${PASSWORD}`, { user: '@expired' });
    auth.setAccessTtl(900);
    auth.fail('refresh', { status: 401 }, 1);
    expect((await b.say('!status', { user: '@expired' })).plain).toMatch(/session has expired.*log in again/i);
    expect(await store.get({ platform: 'memory', id: '@expired' })).toBeUndefined();
    await b.stop();
  });
});
