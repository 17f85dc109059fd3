import type { CommandDescriptor } from '@stats/core';
import type { BotCommand } from 'grammy/types';
import { telegramCommandName } from './incoming.js';

/** Telegram allows at most 100 commands in the menu. */
const MENU_LIMIT = 100;

/**
 * The `setMyCommands` list for the core's commands: names in Telegram's alphabet (`a-z 0-9 _`,
 * `foo-bar` becomes `foo_bar`), the summary as the description (1-256 characters), duplicates
 * after renaming dropped, at most 100. The `group` menu leaves out direct-only and sensitive
 * commands (`/login`), so nobody is offered to type a password into a group.
 */
export function commandMenu(
  commands: readonly CommandDescriptor[],
  where: 'private' | 'group' = 'private',
): BotCommand[] {
  const seen = new Set<string>();
  const menu: BotCommand[] = [];
  for (const command of commands) {
    if (where === 'group' && (command.where === 'direct-only' || command.sensitive)) continue;
    const name = telegramCommandName(command.name);
    if (name.length === 0 || seen.has(name)) continue;
    seen.add(name);
    const summary = command.summary.replace(/\s+/g, ' ').trim();
    menu.push({ command: name, description: (summary.length > 0 ? summary : command.usage).slice(0, 256) || name });
    if (menu.length === MENU_LIMIT) break;
  }
  return menu;
}
