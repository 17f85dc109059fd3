import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOidcServer, type RunningOidcServer } from '@stats/test-utils';
import { createTestBot, type TestBot } from '../../../src/testing/index.js';
import { createAccountCommands } from '../../../src/app/index.js';
import { createDeviceFlowClient, createMemorySessionStore, createSessionManager } from '../../../src/index.js';

// One protocol second lasts 10 ms here, so polling runs fast.
const SECOND_MS = 10;
let oidc: RunningOidcServer;
beforeAll(async () => {
  oidc = await startOidcServer({ intervalSeconds: 1, expiresInSeconds: 6000 });
});
afterAll(() => oidc.stop());

async function deviceBot(maxActiveFlows?: number): Promise<TestBot> {
  const provider = createDeviceFlowClient({
    issuer: oidc.url,
    clientId: oidc.clientId,
    secondMs: SECOND_MS,
    ...(maxActiveFlows ? { maxActiveFlows } : {}),
  });
  const manager = createSessionManager({ store: createMemorySessionStore(), providers: [provider] });
  return createTestBot({ commands: createAccountCommands({ manager }), sessions: manager });
}

describe('device-login limits', () => {
  it("answers a second login of the same user with the running flow's link and code", async () => {
    const bot = await deviceBot();
    const devicesBefore = oidc.calls('device');
    const first = bot.sayAll('!login', { user: '@ivan' });
    const code = await oidc.nextUserCode();
    await oidc.waitForPolls(code, 1);
    const again = await bot.say('!login', { user: '@ivan' });
    expect(again.plain).toMatch(/already waiting/);
    expect(again.plain).toContain(code);
    expect(again.plain).toContain(`${oidc.url}/device?user_code=${code}`);
    oidc.approve(code, { sub: 'acc-ivan', email: 'ivan@example.org' });
    expect((await first).at(-1)?.plain).toContain('Logged in as ivan@example.org');
    expect(oidc.calls('device') - devicesBefore).toBe(1);
    await bot.stop();
  });

  it('starts one device authorization for 200 concurrent logins of one user', async () => {
    const bot = await deviceBot();
    const devicesBefore = oidc.calls('device');
    const pollsBefore = oidc.calls('token');
    const all = Array.from({ length: 200 }, () => bot.sayAll('!login', { user: '@judy' }));
    const code = await oidc.nextUserCode();
    await oidc.waitForPolls(code, 2);
    oidc.deny(code);
    await Promise.all(all);
    // Every other attempt was answered with the same code without a new authorization.
    expect(oidc.calls('device') - devicesBefore).toBe(1);
    expect(bot.adapter.sent.filter((s) => s.plain.includes(code))).toHaveLength(200);
    expect(bot.adapter.sent.filter((s) => s.plain.includes('The login was denied'))).toHaveLength(1);
    // One poller: every token poll in the meantime was for that one code.
    expect(oidc.calls('token') - pollsBefore).toBe(oidc.polls(code));
    // Once the flow ended, a new login starts a new one.
    const next = bot.sayAll('!login', { user: '@judy' });
    const second = await oidc.nextUserCode();
    expect(second).not.toBe(code);
    oidc.deny(second);
    await next;
    await bot.stop();
  });

  it('refuses a flow beyond the global cap with a clear answer, and admits one when a place frees up', async () => {
    const bot = await deviceBot(2);
    const devicesBefore = oidc.calls('device');
    const a = bot.sayAll('!login', { user: '@u1' });
    const codeA = await oidc.nextUserCode();
    const b = bot.sayAll('!login', { user: '@u2' });
    const codeB = await oidc.nextUserCode();
    const refused = await bot.say('!login', { user: '@u3' });
    expect(refused.plain).toMatch(/Too many logins are waiting for confirmation right now/);
    expect(oidc.calls('device') - devicesBefore).toBe(2);
    oidc.deny(codeA);
    await a;
    const c = bot.sayAll('!login', { user: '@u3' });
    const codeC = await oidc.nextUserCode();
    oidc.deny(codeB);
    oidc.deny(codeC);
    await Promise.all([b, c]);
    expect(oidc.calls('device') - devicesBefore).toBe(3);
    await bot.stop();
  });
});
