import { envReader, type EnvVariables } from '@stats/core/env';
import type { DiscordAdapterOptions } from './discord-adapter.js';

/** The Discord settings that come from the environment: spread them into {@link createDiscordAdapter}'s options. */
export type DiscordEnvOptions = Pick<
  DiscordAdapterOptions,
  'token' | 'applicationId' | 'guildId' | 'apiUrl' | 'messageContent' | 'allow'
>;

/** The variables {@link fromEnv} reads (`DISCORD_TOKEN` is a secret). */
export const DISCORD_ENV_VARIABLES: readonly string[] = [
  'DISCORD_TOKEN',
  'DISCORD_APPLICATION_ID',
  'DISCORD_GUILD_ID',
  'DISCORD_API_URL',
  'DISCORD_MESSAGE_CONTENT',
  'DISCORD_ALLOWED_GUILDS',
  'DISCORD_ALLOWED_ROLES',
];

const NUMERIC = /^\d+$/;

/**
 * The Discord slice of the configuration: `DISCORD_TOKEN` with its `DISCORD_APPLICATION_ID`
 * (each requires the other);
 * `DISCORD_GUILD_ID` (slash commands in that guild only, registered instantly);
 * `DISCORD_API_URL` (a REST proxy, trailing slashes dropped); `DISCORD_MESSAGE_CONTENT`
 * (`true`: prefix commands in channels, a privileged intent; default false);
 * `DISCORD_ALLOWED_GUILDS` and `DISCORD_ALLOWED_ROLES` (numeric ids, comma-separated; unset:
 * everyone). Blank counts as unset.
 *
 * @param env - The environment (default `process.env`).
 * @returns The adapter's options, or `undefined` when `DISCORD_TOKEN` is not set.
 * @throws ConfigError naming every bad or missing variable, never a value.
 * @example
 * import { createDiscordAdapter, fromEnv } from '@stats/adapter-discord';
 * const discordEnv = fromEnv();
 * if (discordEnv !== undefined) createDiscordAdapter(discordEnv);
 */
export function fromEnv(env: EnvVariables = process.env): DiscordEnvOptions | undefined {
  const read = envReader(env);
  const token = read.text('DISCORD_TOKEN');
  const applicationId = read.match('DISCORD_APPLICATION_ID', NUMERIC, 'must be a numeric id');
  const guildId = read.match('DISCORD_GUILD_ID', NUMERIC, 'must be a numeric id');
  const apiUrl = read.url('DISCORD_API_URL');
  const messageContent = read.flag('DISCORD_MESSAGE_CONTENT') ?? false;
  const guilds = read.list('DISCORD_ALLOWED_GUILDS', NUMERIC, 'must be numeric Discord guild ids, comma-separated');
  const roles = read.list('DISCORD_ALLOWED_ROLES', NUMERIC, 'must be numeric Discord role ids, comma-separated');
  read.requireTogether('DISCORD_TOKEN', 'DISCORD_APPLICATION_ID');
  read.check();
  if (token === undefined || applicationId === undefined) return undefined;
  return {
    token,
    applicationId,
    messageContent,
    ...(guildId === undefined ? {} : { guildId }),
    ...(apiUrl === undefined ? {} : { apiUrl }),
    ...(guilds === undefined && roles === undefined ? {} : { allow: { guilds, roles } }),
  };
}
