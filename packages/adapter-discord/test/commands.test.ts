import { arg, defineCommand, document } from '@stats/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSlashCommands } from '../src/index.js';
import { startHarness, type Harness } from './harness.js';

const visitors = defineCommand({
  name: 'visitors',
  summary: 'Visitors of a site',
  args: {
    site: arg.string('the site domain'),
    days: arg.integer('how many days', { min: 1, max: 90 }).default(7),
    unique: arg.boolean('unique only').optional(),
  },
  run: ({ args }) =>
    document()
      .heading('Visitors')
      .text(`${args.site}: ${args.days} days, unique ${String(args.unique ?? false)}`),
});

const period = defineCommand({
  name: 'period',
  summary: 'A period choice',
  args: { range: arg.choice('which range', ['day', 'week', 'month']), ratio: arg.number('a ratio').optional() },
  run: ({ args }) => `range ${args.range} ratio ${String(args.ratio ?? 'none')}`,
});

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ bot: { commands: [visitors, period] } });
});
afterAll(() => h.stop());

describe('slash commands from the registry', () => {
  it('registers every command once by bulk overwrite, typed like its arguments', () => {
    expect(h.discord.state.commandOverwrites).toHaveLength(1);
    const registered = h.discord.state.globalCommands;
    expect(registered.map((c) => c['name']).sort()).toEqual(h.bot.commands.map((c) => c.name).sort());
    const byName = new Map(registered.map((c) => [c['name'], c]));
    expect(byName.get('visitors')?.['options']).toEqual([
      { name: 'site', description: 'the site domain', required: true, type: 3 },
      { name: 'days', description: 'how many days', required: false, type: 4 },
      { name: 'unique', description: 'unique only', required: false, type: 5 },
    ]);
    expect(byName.get('period')?.['options']).toEqual([
      {
        name: 'range',
        description: 'which range',
        required: true,
        type: 3,
        choices: ['day', 'week', 'month'].map((c) => ({ name: c, value: c })),
      },
      { name: 'ratio', description: 'a ratio', required: false, type: 10 },
    ]);
    for (const command of registered) {
      expect(String(command['description']).length).toBeLessThanOrEqual(100);
      for (const option of (command['options'] ?? []) as { description: string }[])
        expect(option.description.length).toBeLessThanOrEqual(100);
    }
  });

  it('answers a slash command with its typed options through an interaction reply', async () => {
    const interaction = h.discord.slash('visitors', { site: 'example.org', days: 3, unique: true });
    const response = await interaction.response();
    expect(response.kind).toBe('message');
    expect(response.deferred).toBe(false);
    expect(interaction.record.callbacks.map((c) => c.type)).toEqual([4]);
    expect(JSON.stringify(response.message?.message.embeds ?? [])).toContain('example.org: 3 days, unique true');
  });

  it('answers the same command as a prefix message in a guild channel, as a reply', async () => {
    const message = h.discord.say('!visitors example.org 5');
    const reply = await h.discord.replyTo(message.id);
    expect(reply.message.channel_id).toBe(h.discord.channel('general'));
    expect(reply.message.message_reference?.message_id).toBe(message.id);
    expect(JSON.stringify(reply.message.embeds)).toContain('example.org: 5 days, unique false');
  });

  it('treats a DM as a direct room and answers there', async () => {
    const message = h.discord.say('!period week 0.5', { direct: true, user: 'dora' });
    const reply = await h.discord.replyTo(message.id);
    expect(reply.message.guild_id).toBeUndefined();
    expect(reply.message.channel_id).toBe(message.channel_id);
    expect(reply.message.content).toContain('range week ratio 0.5');
  });

  it('answers a slash command used in a DM there', async () => {
    const interaction = h.discord.slash('period', { range: 'month' }, { direct: true, user: 'dora' });
    const response = await interaction.response();
    expect(interaction.record.guildId).toBeUndefined();
    expect(response.message?.message.content).toContain('range month ratio none');
  });

  it('answers an unknown slash command instead of leaving it unacknowledged', async () => {
    const response = await h.discord.slash('nosuchcommand').response();
    expect(response.message?.message.content ?? '').toMatch(/nosuchcommand/i);
  });

  it('does not overwrite the commands again when a restart finds them unchanged', async () => {
    const again = await startHarness({ discord: h.discord, bot: { commands: [visitors, period] } });
    await again.stop();
    expect(h.discord.state.commandOverwrites).toHaveLength(1);
    const changed = await startHarness({ discord: h.discord, bot: { commands: [visitors] } });
    await changed.stop();
    expect(h.discord.state.commandOverwrites).toHaveLength(2);
    expect(h.discord.state.globalCommands.map((c) => c['name']).sort()).toEqual(['help', 'visitors']);
    expect(toSlashCommands(changed.bot.commands)).toHaveLength(2);
  });
});
