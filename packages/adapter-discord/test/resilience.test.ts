import { defineCommand } from '@stats/core';
import { startDiscordStandIn, type DiscordStandIn } from '@stats/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

const echo = defineCommand({
  name: 'ping',
  summary: 'Answers pong',
  run: ({ message }) => `pong ${message.sender.displayName ?? ''}`,
});

describe('rate limits and server errors', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      standIn: { behaviour: { bucket: { limit: 3, windowMs: 200 } } },
      bot: { commands: [echo] },
    });
  });
  afterAll(() => h.stop());

  it('loses no reply in a burst answered with 429s (route and global), honouring Retry-After', async () => {
    h.discord.fault({ method: 'POST', path: /^\/channels\/\d+\/messages$/, status: 429, retryAfter: 0.1, times: 3 });
    h.discord.fault({
      method: 'POST',
      path: /^\/channels\/\d+\/messages$/,
      status: 429,
      retryAfter: 0.05,
      global: true,
    });
    const rateLimitedBefore = h.discord.state.rateLimited.length;
    const asked = Array.from({ length: 15 }, (_, i) => h.discord.say('!ping', { user: `burst${i}` }));
    const replies = await Promise.all(asked.map((m) => h.discord.replyTo(m.id)));
    expect(replies.map((r) => r.message.content)).toEqual(asked.map((_, i) => `pong burst${i}`));
    expect(h.discord.state.rateLimited.length - rateLimitedBefore).toBeGreaterThanOrEqual(4);
    for (const m of asked)
      expect(h.discord.state.botMessages.filter((r) => r.message.message_reference?.message_id === m.id)).toHaveLength(
        1,
      );
  });

  it('retries a rate-limited interaction callback and answers once', async () => {
    h.discord.fault({ method: 'POST', path: /^\/interactions\//, status: 429, retryAfter: 0.1, times: 2 });
    const interaction = h.discord.slash('ping');
    const response = await interaction.response();
    expect(response.message?.message.content).toMatch(/^pong/);
    expect(interaction.record.callbacks).toHaveLength(1);
    const statuses = (): number[] =>
      h.discord.state.requests
        .filter((r) => r.path.startsWith(`/interactions/${interaction.id}/`))
        .map((r) => r.status);
    await h.discord.state.until(() => (statuses().includes(200) ? true : undefined), 'the recorded callback');
    expect(statuses()).toEqual([429, 429, 200]);
  });

  it('retries a 502 and still answers', async () => {
    h.discord.fault({ method: 'POST', path: /^\/channels\/\d+\/messages$/, status: 502 });
    const message = h.discord.say('!ping', { user: 'after502' });
    expect((await h.discord.replyTo(message.id)).message.content).toBe('pong after502');
  });
});

describe('gateway connection', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ bot: { commands: [echo] } });
  });
  afterAll(() => h.stop());

  it('resumes after a dropped connection, replays what was missed, and keeps answering', async () => {
    const session = h.discord.state.session;
    h.discord.dropConnection();
    const missed = h.discord.say('!ping', { user: 'whiledown' });
    await h.discord.connected();
    expect((await h.discord.replyTo(missed.id)).message.content).toBe('pong whiledown');
    expect(h.discord.state.session).toBe(session);
    expect(session?.resumes).toBe(1);
    expect(session?.identifies).toBe(1);
    const after = await h.discord.slash('ping', {}, { user: 'afterwards' }).response();
    expect(after.message?.message.content).toBe('pong afterwards');
    expect(h.adapter.isReady()).toBe(true);
  });

  it('answers a message Discord delivers again after a resume only once', async () => {
    const duplicates = async (): Promise<number> => {
      const metric = await h.bot.metrics.messagesDropped.get();
      return metric.values.find((v) => v.labels.platform === 'discord' && v.labels.reason === 'duplicate')?.value ?? 0;
    };
    const before = await duplicates();
    const first = h.discord.say('!ping', { user: 'replayed' });
    expect((await h.discord.replyTo(first.id)).message.content).toBe('pong replayed');
    // The resume re-sends the last dispatches the bot had, the message among them.
    h.discord.dropConnection({ replayAgain: 2 });
    await h.discord.connected();
    // Gateway events are handled in order: once this is answered, the replay was decided on.
    const later = h.discord.say('!ping', { user: 'afterreplay' });
    expect((await h.discord.replyTo(later.id)).message.content).toBe('pong afterreplay');
    expect(await duplicates()).toBeGreaterThan(before);
    expect(
      h.discord.state.botMessages.filter((r) => r.message.message_reference?.message_id === first.id),
    ).toHaveLength(1);
  });

  it('identifies afresh when the session cannot be resumed (op 9) and keeps answering', async () => {
    const old = h.discord.state.session;
    h.discord.dropConnection({ invalidateSession: true });
    await h.discord.state.until(
      () => (h.discord.state.session !== old && h.discord.state.session?.send !== undefined ? true : undefined),
      'a new session after op 9',
    );
    expect(h.discord.state.session?.identifies).toBe((old?.identifies ?? 0) + 1);
    const message = h.discord.say('!ping', { user: 'afterop9' });
    expect((await h.discord.replyTo(message.id)).message.content).toBe('pong afterop9');
    expect(h.lines.join('')).not.toContain(h.discord.token);
  });

  it('reconnects when Discord asks (op 7) and keeps answering', async () => {
    const resumes = h.discord.state.session?.resumes ?? 0;
    h.discord.requestReconnect();
    await h.discord.state.until(
      () => ((h.discord.state.session?.resumes ?? 0) > resumes ? true : undefined),
      'a resume after op 7',
    );
    const message = h.discord.say('!ping', { user: 'afterop7' });
    expect((await h.discord.replyTo(message.id)).message.content).toBe('pong afterop7');
  });
});

describe('start', () => {
  let discord: DiscordStandIn;
  beforeAll(async () => {
    discord = await startDiscordStandIn();
  });
  afterAll(() => discord.stop());

  it('fails with a config error naming DISCORD_TOKEN when Discord refuses the token', async () => {
    await expect(startHarness({ discord, adapter: { token: 'not-the-token' } })).rejects.toThrow(/DISCORD_TOKEN/);
    expect(discord.state.requests.some((r) => r.status === 401)).toBe(true);
  });

  it('fails with a config error naming DISCORD_MESSAGE_CONTENT when the intent is not enabled', async () => {
    discord.state.behaviour.messageContentAllowed = false;
    try {
      await expect(startHarness({ discord, adapter: { messageContent: true } })).rejects.toThrow(
        /DISCORD_MESSAGE_CONTENT/,
      );
    } finally {
      discord.state.behaviour.messageContentAllowed = true;
    }
  });

  it('registers per guild when a guild id is set, leaving the global commands alone', async () => {
    const h = await startHarness({ discord, adapter: { guildId: discord.guildId }, bot: { commands: [echo] } });
    await h.stop();
    expect(
      discord.state.guildCommands
        .get(discord.guildId)
        ?.map((c) => c['name'])
        .sort(),
    ).toEqual(['help', 'ping']);
    expect(discord.state.commandOverwrites.every((o) => o.guildId === discord.guildId)).toBe(true);
  });

  it('without the MessageContent intent still answers mentions and DMs', async () => {
    const h = await startHarness({ discord, adapter: { messageContent: false }, bot: { commands: [echo] } });
    try {
      const blind = discord.say('!ping', { user: 'blind' });
      const mention = discord.say(`<@${discord.bot.id}> ping`, { user: 'mentioner' });
      const direct = discord.say('!ping', { user: 'dm', direct: true });
      expect((await discord.replyTo(mention.id)).message.content).toBe('pong mentioner');
      expect((await discord.replyTo(direct.id)).message.content).toBe('pong dm');
      expect(discord.state.botMessages.some((r) => r.message.message_reference?.message_id === blind.id)).toBe(false);
    } finally {
      await h.stop();
    }
  });
});
