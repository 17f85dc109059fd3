import { createAccountCommands, createLoginLimiter } from '@stats/core/app';
import {
  createAuthServiceClient,
  createBot,
  createMemorySessionStore,
  createSessionManager,
  type SessionStore,
} from '@stats/core';
import { startAuthServer, type RunningAuthServer } from '@stats/test-utils';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

const PASSWORD = 'Sw0rdfish!-never-shown';
let auth: RunningAuthServer;
let store: SessionStore;
let h: Harness;

beforeAll(async () => {
  auth = await startAuthServer();
  auth.addUser({ email: 'alice@example.org', password: PASSWORD, name: 'Alice' });
  store = createMemorySessionStore();
  h = await startHarness({
    createBot: async (adapter, logger) => {
      const client = createAuthServiceClient({ url: auth.url, logger });
      const manager = createSessionManager({ store, providers: [client], logger });
      const commands = createAccountCommands({ manager, credits: client, limiter: createLoginLimiter() });
      return createBot({ adapters: [adapter], commands, sessions: manager, logger, http: false, rateLimit: false });
    },
  });
});
afterAll(async () => {
  await h.stop();
  await auth.stop();
});

/** Every text the bot sent to Discord, as one string. */
const everythingSent = (): string => JSON.stringify(h.discord.state.botMessages.map((m) => m.body));

describe('login through a modal', () => {
  it('registers /login without options, so no secret is ever typed into a slash command', () => {
    const login = h.discord.state.globalCommands.find((c) => c['name'] === 'login');
    expect(login).toBeDefined();
    expect(login?.['options']).toBeUndefined();
  });

  it('opens a modal for /login in a channel, stores a session on submit and never echoes the password', async () => {
    const alice = h.discord.user('alice');
    const slash = h.discord.slash('login', {}, { user: 'alice' });
    const opened = await slash.response();
    expect(opened.kind).toBe('modal');
    const inputs = JSON.stringify(opened.modal);
    expect(inputs).toContain('"custom_id":"email"');
    expect(inputs).toContain('"custom_id":"password"');

    const submit = await h.discord.submitModal(slash, { email: 'alice@example.org', password: PASSWORD });
    const answer = await submit.response();
    expect(answer.ephemeral).toBe(true);
    expect(JSON.stringify(answer.message?.body)).toMatch(/Logged in as \W*alice@example\.org/);
    expect(await store.get({ platform: 'discord', id: alice.id })).toBeDefined();
    expect(auth.receivedPasswords).toContain(PASSWORD);
    expect(everythingSent()).not.toContain(PASSWORD);
    expect(h.lines.join('')).not.toContain(PASSWORD);
  });

  it('answers session commands ephemerally, and public ones in the open', async () => {
    for (const name of ['status', 'mystats']) {
      const response = await h.discord.slash(name, {}, { user: 'alice' }).response();
      expect(response.ephemeral, name).toBe(true);
      expect(response.message?.message.flags, name).toBe(64);
    }
    const help = await h.discord.slash('help', {}, { user: 'alice' }).response();
    expect(help.ephemeral).toBe(false);
    const logout = await h.discord.slash('logout', {}, { user: 'alice' }).response();
    expect(logout.ephemeral).toBe(true);
    expect(JSON.stringify(logout.message?.body)).toContain('Logged out');
    expect(await store.get({ platform: 'discord', id: h.discord.user('alice').id })).toBeUndefined();
  });

  it('also answers a not-logged-in session command ephemerally', async () => {
    const response = await h.discord.slash('status', {}, { user: 'bob' }).response();
    expect(response.ephemeral).toBe(true);
    expect(JSON.stringify(response.message?.body)).toMatch(/not logged in/i);
  });
});

describe('a prefix !login in a shared channel', () => {
  it('is deleted with Manage Messages, and the user is warned without the password', async () => {
    const message = h.discord.say(`!login alice@example.org ${PASSWORD}`, { user: 'carol' });
    const warning = await h.discord.replyTo(message.id);
    expect(h.discord.state.deleted.map((d) => d.messageId)).toContain(message.id);
    expect(JSON.stringify(warning.body)).toMatch(/removed your message/i);
    expect(everythingSent()).not.toContain(PASSWORD);
    expect(await store.get({ platform: 'discord', id: h.discord.user('carol').id })).toBeUndefined();
  });

  it('is reported as not removed without Manage Messages, and the warning urges a password change', async () => {
    h.discord.state.behaviour.manageMessages = false;
    try {
      const message = h.discord.say(`!login alice@example.org ${PASSWORD}`, { user: 'dave' });
      const warning = await h.discord.replyTo(message.id);
      expect(h.discord.state.deleted.map((d) => d.messageId)).not.toContain(message.id);
      expect(JSON.stringify(warning.body)).toMatch(/could not remove.*Manage Messages.*Change your password/i);
    } finally {
      h.discord.state.behaviour.manageMessages = true;
    }
  });

  it('works as a prefix message in a DM (a direct room)', async () => {
    const message = h.discord.say(`!login alice@example.org ${PASSWORD}`, { user: 'erin', direct: true });
    const reply = await h.discord.replyTo(message.id);
    expect(JSON.stringify(reply.body)).toMatch(/Logged in as \W*alice@example\.org/);
    expect(h.discord.state.deleted.map((d) => d.messageId)).not.toContain(message.id);
    expect(h.lines.join('')).not.toContain(PASSWORD);
  });
});

describe('a prefix session command in a shared channel', () => {
  let before = 0;
  beforeEach(() => {
    before = h.discord.state.botMessages.length;
  });
  /** The texts the bot sent into `channelId` during this test. */
  const sentInto = (channelId: string): string[] =>
    h.discord.state.botMessages
      .slice(before)
      .filter((m) => m.message.channel_id === channelId)
      .map((m) => JSON.stringify(m.body));

  it('answers in the sender’s DM, and the channel hears only where the answer went', async () => {
    const frank = h.discord.user('frank');
    const message = h.discord.say('!status', { user: 'frank' });
    const pointer = await h.discord.replyTo(message.id);
    expect(JSON.stringify(pointer.body)).toMatch(/sent you the answer in a direct message/);
    const dm = h.discord.state.directChannel(frank.id);
    expect(sentInto(dm.id).join('\n')).toMatch(/not logged in/i);
    expect(sentInto(message.channel_id).join('\n')).not.toMatch(/not logged in/i);
  });

  it('never shows the answer in the channel when the user accepts no DMs (403 50007)', async () => {
    const gina = h.discord.user('gina');
    h.discord.state.behaviour.closedDirectMessages.add(gina.id);
    try {
      const message = h.discord.say('!status', { user: 'gina' });
      const warning = await h.discord.replyTo(message.id);
      expect(JSON.stringify(warning.body)).toMatch(/for you only and you accept no direct messages/);
      expect(sentInto(message.channel_id).join('\n')).not.toMatch(/not logged in/i);
      expect(sentInto(h.discord.state.directChannel(gina.id).id)).toEqual([]);
    } finally {
      h.discord.state.behaviour.closedDirectMessages.delete(gina.id);
    }
  });
});
