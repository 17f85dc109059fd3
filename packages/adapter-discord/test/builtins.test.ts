import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStandardBot, loadConfig } from '@stats/core/app';
import { type ArgumentDescriptor, type CommandDescriptor } from '@stats/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

/** A value Discord would accept for an option of this type. */
function sample(arg: ArgumentDescriptor): string | number | boolean {
  if (arg.choices !== undefined && arg.choices.length > 0) return arg.choices[0] ?? 'x';
  if (arg.type === 'integer') return 1;
  if (arg.type === 'number') return 1.5;
  if (arg.type === 'boolean') return true;
  return 'example';
}

const required = (command: CommandDescriptor): ArgumentDescriptor[] => command.args.filter((a) => a.required);

let dataDir: string;
let h: Harness;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'stats-discord-'));
  h = await startHarness({
    createBot: (adapter, logger) =>
      createStandardBot(loadConfig({ DATA_DIR: dataDir }), {
        adapters: [adapter],
        logger,
        http: false,
        handleSignals: false,
      }),
  });
});
afterAll(async () => {
  await h.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('every built-in command of the standard bot', () => {
  it('is registered as a slash command', () => {
    expect(h.discord.state.globalCommands.map((c) => c['name']).sort()).toEqual(
      h.bot.commands.map((c) => c.name).sort(),
    );
    expect(h.bot.commands.length).toBeGreaterThanOrEqual(5);
  });

  it('answers through an interaction', async () => {
    for (const command of h.bot.commands) {
      const options = Object.fromEntries(required(command).map((a) => [a.name, sample(a)]));
      const response = await h.discord.slash(command.name, options, { user: `slash-${command.name}` }).response();
      if (command.sensitive) {
        expect(response.kind, command.name).toBe('modal');
        continue;
      }
      const message = response.message?.message;
      expect(message, command.name).toBeDefined();
      expect((message?.content.length ?? 0) + (message?.embeds.length ?? 0), command.name).toBeGreaterThan(0);
      expect(response.ephemeral, command.name).toBe(command.private);
    }
  });

  it('answers through a prefix message in a guild channel', async () => {
    for (const command of h.bot.commands) {
      const line = [`!${command.name}`, ...required(command).map((a) => String(sample(a)))].join(' ');
      const message = h.discord.say(line, { user: `prefix-${command.name}` });
      const reply = await h.discord.replyTo(message.id);
      expect(reply.message.content.length + reply.message.embeds.length, command.name).toBeGreaterThan(0);
      if (command.sensitive)
        expect(
          h.discord.state.deleted.map((d) => d.messageId),
          command.name,
        ).toContain(message.id);
    }
  });
});
