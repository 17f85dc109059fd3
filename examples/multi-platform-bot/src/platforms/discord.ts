import { createDiscordAdapter, fromEnv as discordFromEnv } from '@stats/adapter-discord';
import type { ChatAdapter } from '@stats/core';
import type { StatsConfig } from '@stats/core/app';
import type { EnvVariables } from '@stats/core/env';
import type { PlatformDeps } from './platform.js';

/**
 * Discord, when `DISCORD_TOKEN` and `DISCORD_APPLICATION_ID` are set: slash commands per guild
 * with `DISCORD_GUILD_ID` (instant) or global, prefix commands in channels with
 * `DISCORD_MESSAGE_CONTENT=true` (a privileged intent), and `DISCORD_API_URL` for a REST proxy
 * (the gateway URL then comes from its `/gateway/bot`); `DISCORD_ALLOWED_GUILDS` /
 * `DISCORD_ALLOWED_ROLES` unset means everyone may use the bot. Reports go to
 * `DISCORD_REPORT_CHANNEL_ID` (a shared variable: `config.schedule.reportRooms`).
 */
export function fromEnv(env: EnvVariables, _config: StatsConfig, deps: PlatformDeps): ChatAdapter | undefined {
  const discord = discordFromEnv(env);
  if (discord === undefined) return undefined;
  return createDiscordAdapter({ ...discord, renderChart: deps.renderChart });
}
