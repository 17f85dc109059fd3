import { createDiscordAdapter } from '@stats/adapter-discord';
import type { ChatAdapter } from '@stats/core';
import type { StatsConfig } from '@stats/core/app';
import type { PlatformDeps } from './platform.js';

/**
 * Discord, when `DISCORD_TOKEN` and `DISCORD_APPLICATION_ID` are set: slash commands per guild
 * with `DISCORD_GUILD_ID` (instant) or global, prefix commands in channels with
 * `DISCORD_MESSAGE_CONTENT=true` (a privileged intent), and `DISCORD_API_URL` for a REST proxy
 * (the gateway URL then comes from its `/gateway/bot`). Reports go to `DISCORD_REPORT_CHANNEL_ID`.
 */
export function fromConfig(config: StatsConfig, deps: PlatformDeps): ChatAdapter | undefined {
  const discord = config.discord;
  if (discord === undefined) return undefined;
  return createDiscordAdapter({
    token: discord.token,
    applicationId: discord.applicationId,
    messageContent: discord.messageContent,
    renderChart: deps.renderChart,
    ...(discord.guildId === undefined ? {} : { guildId: discord.guildId }),
    ...(discord.apiUrl === undefined ? {} : { apiUrl: discord.apiUrl.replace(/\/+$/, '') }),
    // DISCORD_ALLOWED_GUILDS / DISCORD_ALLOWED_ROLES: unset means everyone may use the bot.
    allow: { guilds: discord.allowedGuilds, roles: discord.allowedRoles },
  });
}
