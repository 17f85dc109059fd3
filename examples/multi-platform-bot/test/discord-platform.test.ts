import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@stats/core/app';
import { createLogger } from '@stats/core';
import { logSink, startDiscordStandIn, type DiscordStandIn } from '@stats/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMultiPlatformBot } from '../src/multi-platform-bot.js';

let discord: DiscordStandIn;
let dataDir: string;
beforeAll(async () => {
  discord = await startDiscordStandIn();
  dataDir = mkdtempSync(join(tmpdir(), 'multi-platform-discord-'));
});
afterAll(async () => {
  await discord.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('examples/multi-platform-bot on Discord', () => {
  it('serves Discord from the DISCORD_* variables, with DISCORD_API_URL as the REST base', async () => {
    const env = {
      DISCORD_TOKEN: discord.token,
      DISCORD_APPLICATION_ID: discord.applicationId,
      DISCORD_GUILD_ID: discord.guildId,
      DISCORD_REPORT_CHANNEL_ID: discord.channel('reports'),
      DISCORD_API_URL: discord.url,
      DISCORD_MESSAGE_CONTENT: 'true',
      DATA_DIR: dataDir,
    };
    const config = loadConfig(env);
    const { bot, platforms } = await createMultiPlatformBot(config, {
      env,
      logger: await createLogger({ level: 'debug', destination: logSink() }),
      onFatal: () => undefined,
      http: false,
    });
    expect(platforms).toEqual(['discord']);
    await bot.start();
    try {
      expect(discord.state.guildCommands.get(discord.guildId)?.map((c) => c['name'])).toContain('help');
      const help = await discord.slash('help').response();
      const names = bot.commands.map((c) => c.name);
      for (const name of names.slice(0, 3)) expect(JSON.stringify(help.message?.message), name).toContain(name);
      const asked = discord.say('!help');
      expect(JSON.stringify((await discord.replyTo(asked.id)).message)).toContain('help');
    } finally {
      await bot.stop();
    }
  });
});
