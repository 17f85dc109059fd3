import type { CommandDescriptor } from '@stats/core';
import { Routes, type REST } from 'discord.js';
import { sameCommands, toSlashCommands } from './slash-commands.js';

/** What {@link registerCommands} did. */
export interface RegistrationResult {
  /** `unchanged` when Discord already had exactly these commands. */
  readonly outcome: 'overwritten' | 'unchanged';
  readonly scope: 'global' | 'guild';
  readonly count: number;
}

/**
 * Makes Discord's slash commands match the bot's commands: lists the registered ones and
 * sends one bulk overwrite (`PUT`) only when they differ. Per guild (instant) when `guildId`
 * is set, else global.
 */
export async function registerCommands(
  rest: REST,
  applicationId: string,
  guildId: string | undefined,
  commands: readonly CommandDescriptor[],
): Promise<RegistrationResult> {
  const route =
    guildId === undefined
      ? Routes.applicationCommands(applicationId)
      : Routes.applicationGuildCommands(applicationId, guildId);
  const scope = guildId === undefined ? 'global' : 'guild';
  const wanted = toSlashCommands(commands);
  const registered = (await rest.get(route)) as Record<string, unknown>[];
  if (sameCommands(registered, wanted)) return { outcome: 'unchanged', scope, count: wanted.length };
  await rest.put(route, { body: wanted });
  return { outcome: 'overwritten', scope, count: wanted.length };
}
