import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcServer, type RunningOidcServer } from '@stats/test-utils';
import { createTestBot, type TestBot } from '../../../src/testing/index.js';
import { createAccountCommands } from '@stats/core/app';
import {
  createDeviceFlowClient,
  createMemorySessionStore,
  createSessionManager,
  type SessionStore,
} from '../../../src/index.js';
import { tokenExpiresAt } from '../../../src/sessions/index.js';

// One protocol second lasts 10 ms here, so polling at `interval` and `slow_down` runs fast.
const SECOND_MS = 10;
let oidc: RunningOidcServer;
beforeAll(async () => {
  oidc = await startOidcServer({ intervalSeconds: 1, expiresInSeconds: 6000 });
});
afterAll(() => oidc.stop());

async function deviceBot(): Promise<{ bot: TestBot; store: SessionStore }> {
  const store = createMemorySessionStore();
  const provider = createDeviceFlowClient({ issuer: oidc.url, clientId: oidc.clientId, secondMs: SECOND_MS });
  const manager = createSessionManager({ store, providers: [provider] });
  return { bot: await createTestBot({ commands: createAccountCommands({ manager }), sessions: manager }), store };
}

describe('device-authorization login (RFC 8628)', () => {
  it('sends the link and code, polls until approved, and stores the session', async () => {
    const { bot, store } = await deviceBot();
    const answers = bot.sayAll('!login', { user: '@dave' });
    const code = await oidc.nextUserCode();
    await oidc.waitForPolls(code, 2);
    oidc.approve(code, { sub: 'acc-dave', email: 'dave@example.org' });
    const sent = await answers;
    expect(sent[0]?.plain).toContain(code);
    expect(sent[0]?.plain).toContain(`${oidc.url}/device?user_code=${code}`);
    expect(sent.at(-1)?.plain).toContain('Logged in as dave@example.org');
    const session = await store.get({ platform: 'memory', id: '@dave' });
    expect(session).toMatchObject({ provider: 'oidc', account: { id: 'acc-dave', email: 'dave@example.org' } });
    expect(tokenExpiresAt(session?.accessToken ?? '')).toBeGreaterThan(Date.now());
    await bot.stop();
  });

  it('waits 5 s longer after slow_down and still logs in', async () => {
    const { bot } = await deviceBot();
    const answers = bot.sayAll('!login', { user: '@erin' });
    const code = await oidc.nextUserCode();
    await oidc.waitForPolls(code, 1);
    oidc.slowDown(code, 1);
    await oidc.waitForPolls(code, 2);
    const slowedAt = Date.now();
    await oidc.waitForPolls(code, 3);
    // After slow_down the interval is 1 + 5 protocol seconds; a timer never fires early.
    expect(Date.now() - slowedAt).toBeGreaterThanOrEqual(6 * SECOND_MS - 2);
    oidc.approve(code, { sub: 'acc-erin', email: 'erin@example.org' });
    expect((await answers).at(-1)?.plain).toContain('Logged in as erin@example.org');
    expect(oidc.polls(code)).toBeGreaterThanOrEqual(4);
    await bot.stop();
  });

  it('reports a denial and stores nothing', async () => {
    const { bot, store } = await deviceBot();
    const answers = bot.sayAll('!login', { user: '@frank' });
    const code = await oidc.nextUserCode();
    oidc.deny(code);
    const sent = await answers;
    expect(sent.at(-1)?.plain).toContain('The login was denied');
    expect(await store.list()).toEqual([]);
    await bot.stop();
  });

  it('reports an expired code and stores nothing', async () => {
    const { bot, store } = await deviceBot();
    const answers = bot.sayAll('!login', { user: '@grace' });
    const code = await oidc.nextUserCode();
    await oidc.waitForPolls(code, 1);
    oidc.expire(code);
    expect((await answers).at(-1)?.plain).toContain('The login code expired');
    expect(await store.list()).toEqual([]);
    await bot.stop();
  });

  it('gives up on its own when expires_in passes without an answer', async () => {
    // The client's clock is the test's: it passes expires_in only after the first poll.
    let t = 0;
    const provider = createDeviceFlowClient({
      issuer: oidc.url,
      clientId: oidc.clientId,
      secondMs: SECOND_MS,
      now: () => t,
    });
    const login = await provider.startDeviceLogin();
    const code = await oidc.nextUserCode();
    const outcome = login.wait().catch((err: unknown) => err);
    await oidc.waitForPolls(code, 1);
    t = login.expiresAt;
    expect(await outcome).toMatchObject({ code: 'auth', userMessage: expect.stringContaining('expired') });
    expect(oidc.polls(code)).toBeGreaterThanOrEqual(1);
  });

  it('refreshes a device-login session with the refresh_token grant', async () => {
    const provider = createDeviceFlowClient({ issuer: oidc.url, clientId: oidc.clientId, secondMs: SECOND_MS });
    const login = await provider.startDeviceLogin();
    const code = await oidc.nextUserCode();
    expect(code).toBe(login.userCode);
    oidc.approve(code, { sub: 'acc-heidi', email: 'heidi@example.org' });
    const first = await login.wait();
    const second = await provider.refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    await expect(provider.refresh(first.refreshToken)).rejects.toMatchObject({ code: 'auth' });
  });
});
