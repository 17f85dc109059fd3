import { defineCommand, type Bot } from '@stats/core';
import { startDiscordStandIn, type DiscordStandIn } from '@stats/test-utils';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHarness, type Harness } from './harness.js';

const ping = defineCommand({ name: 'ping', summary: 'Answers pong', run: () => 'pong' });

async function notAllowed(bot: Bot): Promise<number> {
  const metric = await bot.metrics.messagesDropped.get();
  return metric.values.find((v) => v.labels.platform === 'discord' && v.labels.reason === 'not_allowed')?.value ?? 0;
}

/** Waits until `n` more messages were refused, then proves none of them got an answer. */
async function expectIgnored(h: Harness, before: number, n: number, messageIds: readonly string[]): Promise<void> {
  await vi.waitFor(async () => expect(await notAllowed(h.bot)).toBe(before + n), { timeout: 10_000, interval: 20 });
  for (const id of messageIds)
    expect(h.discord.state.botMessages.some((r) => r.message.message_reference?.message_id === id)).toBe(false);
}

describe('Discord allow-list by role (DISCORD_ALLOWED_ROLES)', () => {
  let discord: DiscordStandIn;
  let h: Harness;
  beforeAll(async () => {
    discord = await startDiscordStandIn({ roles: ['ops', 'guest'] });
    discord.grantRoles('alice', ['ops']);
    discord.grantRoles('mallory', ['guest']);
    h = await startHarness({
      discord,
      adapter: { allow: { roles: [discord.role('ops')] } },
      bot: { commands: [ping] },
    });
  });
  afterAll(async () => {
    await h.stop();
    await discord.stop();
  });

  it('answers a member with an allowed role: slash command, channel message and DM', async () => {
    const slash = await discord.slash('ping', {}, { user: 'alice' }).response();
    expect(slash.message?.message.content).toBe('pong');
    const inChannel = discord.say('!ping', { user: 'alice' });
    expect((await discord.replyTo(inChannel.id)).message.content).toBe('pong');
    // In a DM the adapter looks the user up as a member of the guild (GET /guilds/…/members/…).
    const direct = discord.say('!ping', { user: 'alice', direct: true });
    expect((await discord.replyTo(direct.id)).message.content).toBe('pong');
  });

  it('ignores a member without an allowed role everywhere, and counts it', async () => {
    const before = await notAllowed(h.bot);
    const interaction = discord.slash('ping', {}, { user: 'mallory' });
    const inChannel = discord.say('!ping', { user: 'mallory' });
    const direct = discord.say('!ping', { user: 'mallory', direct: true });
    await expectIgnored(h, before, 3, [inChannel.id, direct.id]);
    expect(interaction.record.callbacks).toHaveLength(0);
    // Nothing of the ignored messages reached the log, not even at debug.
    expect(h.lines.join('\n')).not.toContain('!ping');
  });

  it('looks a DM sender up once, however many DMs they send', async () => {
    const lookups = (): number =>
      discord.state.requests.filter((r) => r.method === 'GET' && r.path.includes(`/members/${discord.user('eve').id}`))
        .length;
    const before = await notAllowed(h.bot);
    const ids = Array.from({ length: 5 }, () => discord.say('!ping', { user: 'eve', direct: true }).id);
    await expectIgnored(h, before, 5, ids);
    expect(lookups()).toBe(1);
  });
});

describe('Discord allow-list by guild (DISCORD_ALLOWED_GUILDS)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ adapter: { allow: { guilds: ['100000000000000001'] } }, bot: { commands: [ping] } });
  });
  afterAll(() => h.stop());

  it('ignores every guild not listed, and DMs of users who are in no allowed guild', async () => {
    const before = await notAllowed(h.bot);
    const interaction = h.discord.slash('ping', {}, { user: 'alice' });
    const inChannel = h.discord.say('!ping', { user: 'alice' });
    const direct = h.discord.say('!ping', { user: 'alice', direct: true });
    await expectIgnored(h, before, 3, [inChannel.id, direct.id]);
    expect(interaction.record.callbacks).toHaveLength(0);
  });
});

describe("Discord allow-list naming the stand-in's guild", () => {
  let discord: DiscordStandIn;
  let h: Harness;
  beforeAll(async () => {
    discord = await startDiscordStandIn();
    h = await startHarness({ discord, adapter: { allow: { guilds: [discord.guildId] } }, bot: { commands: [ping] } });
  });
  afterAll(async () => {
    await h.stop();
    await discord.stop();
  });

  it('answers in the listed guild and the DMs of its members', async () => {
    const message = discord.say('!ping', { user: 'bob' });
    expect((await discord.replyTo(message.id)).message.content).toBe('pong');
    const direct = discord.say('!ping', { user: 'bob', direct: true });
    expect((await discord.replyTo(direct.id)).message.content).toBe('pong');
  });
});
