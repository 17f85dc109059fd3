import { createAccountCommands } from '@stats/core/app';
import { createBot, createDeviceFlowClient, createMemorySessionStore, createSessionManager } from '@stats/core';
import { startOidcServer, type RunningOidcServer } from '@stats/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

// One protocol second lasts 10 ms here, so polling runs fast.
const SECOND_MS = 10;
const store = createMemorySessionStore();
let oidc: RunningOidcServer;
let h: Harness;
beforeAll(async () => {
  oidc = await startOidcServer({ intervalSeconds: 1, expiresInSeconds: 6000 });
  h = await startHarness({
    createBot: async (adapter, logger) => {
      const provider = createDeviceFlowClient({ issuer: oidc.url, clientId: oidc.clientId, secondMs: SECOND_MS });
      const manager = createSessionManager({ store, providers: [provider], logger });
      return createBot({
        adapters: [adapter],
        commands: createAccountCommands({ manager }),
        sessions: manager,
        logger,
        http: false,
        rateLimit: false,
      });
    },
  });
});
afterAll(async () => {
  await h.stop();
  await oidc.stop();
});

describe('device-flow login through the modal', () => {
  it('starts a device login when the modal is submitted empty, sends link and code privately, then logs in', async () => {
    const slash = h.discord.slash('login', {}, { user: 'dave' });
    expect((await slash.response()).kind).toBe('modal');
    const submit = await h.discord.submitModal(slash, {});
    const code = await oidc.nextUserCode();
    const first = await submit.response();
    expect(first.ephemeral).toBe(true);
    expect(JSON.stringify(first.message?.body)).toContain(code);
    await oidc.waitForPolls(code, 2);
    oidc.approve(code, { sub: 'acc-dave', email: 'dave@example.org' });
    const done = await h.discord.state.until(
      () => submit.record.followUps.find((f) => /Logged in as \W*dave@example\.org/.test(JSON.stringify(f.body))),
      'the logged-in follow-up',
    );
    expect(done.ephemeral).toBe(true);
    expect(await store.get({ platform: 'discord', id: h.discord.user('dave').id })).toMatchObject({ provider: 'oidc' });
  });
});
