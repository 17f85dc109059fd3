/**
 * @stats/adapter-discord: binds @stats/core to Discord through discord.js.
 *
 * @packageDocumentation
 */
export { discordAllowList, type DiscordAllowList, type DiscordGate, type DiscordOrigin } from './allow-list.js';
export { createDiscordAdapter, type DiscordAdapterOptions } from './discord-adapter.js';
export { DISCORD_SEND_LIMITS } from './send-limits.js';
export { toSlashCommands, sameCommands, optionName, SLASH_LIMITS, type SlashCommand } from './slash-commands.js';
export { registerCommands, type RegistrationResult } from './register-commands.js';
export type { ChartRenderer } from './outgoing.js';
export { fromEnv, DISCORD_ENV_VARIABLES, type DiscordEnvOptions } from './from-env.js';
