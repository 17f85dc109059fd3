import type { CommandDescriptor } from '@stats/core';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  type APIApplicationCommandBasicOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord.js';

/** One chat-input command as sent in a bulk overwrite. */
export type SlashCommand = RESTPostAPIChatInputApplicationCommandsJSONBody;

const OPTION_TYPES = {
  string: ApplicationCommandOptionType.String,
  integer: ApplicationCommandOptionType.Integer,
  number: ApplicationCommandOptionType.Number,
  boolean: ApplicationCommandOptionType.Boolean,
} as const;

/** Discord's limits for chat-input commands (Docs `application-commands.mdx`). */
export const SLASH_LIMITS = { commands: 100, description: 100, options: 25, choices: 25, name: 32 } as const;

/** Cuts a text to `max` characters with an ellipsis; empty texts become `fallback`. */
function clip(text: string, max: number, fallback: string): string {
  const trimmed = text.trim();
  if (trimmed.length === 0) return fallback;
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max - 1)}…`;
}

/** The option name Discord accepts for an argument name (lower-case, `-`/`_`, ≤ 32). */
export function optionName(argName: string): string {
  const name = argName
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^-_\p{L}\p{N}]/gu, '_')
    .slice(0, SLASH_LIMITS.name);
  return name.length === 0 ? 'value' : name;
}

/**
 * The slash commands for the bot's commands: one per command (aliases stay prefix-only),
 * options typed from the declared arguments, required first as Discord demands. A sensitive
 * command (`login`) gets no options: its secrets are asked for in a modal.
 */
export function toSlashCommands(commands: readonly CommandDescriptor[]): SlashCommand[] {
  return commands.slice(0, SLASH_LIMITS.commands).map((command) => {
    const options: APIApplicationCommandBasicOption[] = command.sensitive
      ? []
      : command.args.slice(0, SLASH_LIMITS.options).map((arg) => {
          const base = {
            name: optionName(arg.name),
            description: clip(arg.description, SLASH_LIMITS.description, arg.name),
            required: arg.required,
          };
          if (arg.type === 'string' && arg.choices !== undefined && arg.choices.length > 0) {
            const choices = arg.choices.slice(0, SLASH_LIMITS.choices).map((c) => ({ name: c, value: c }));
            return { ...base, type: ApplicationCommandOptionType.String, choices };
          }
          return { ...base, type: OPTION_TYPES[arg.type] } as APIApplicationCommandBasicOption;
        });
    return {
      name: command.name,
      description: clip(command.summary, SLASH_LIMITS.description, command.name),
      type: ApplicationCommandType.ChatInput,
      ...(options.length > 0 ? { options } : {}),
    };
  });
}

interface Comparable {
  name: string;
  description: string;
  options: { name: string; description: string; type: number; required: boolean; choices: string }[];
}

function comparable(command: Record<string, unknown>): Comparable {
  const options = (command['options'] ?? []) as Record<string, unknown>[];
  return {
    name: String(command['name']),
    description: String(command['description'] ?? ''),
    options: options.map((o) => ({
      name: String(o['name']),
      description: String(o['description'] ?? ''),
      type: Number(o['type']),
      required: o['required'] === true,
      choices: JSON.stringify(
        ((o['choices'] ?? []) as { name: unknown; value: unknown }[]).map((c) => [c.name, c.value]),
      ),
    })),
  };
}

/**
 * True when the registered commands (as Discord lists them) already equal the wanted ones, so
 * no bulk overwrite is needed. Order of commands does not matter; order of options does.
 */
export function sameCommands(registered: readonly Record<string, unknown>[], wanted: readonly SlashCommand[]): boolean {
  if (registered.length !== wanted.length) return false;
  const key = (c: Comparable): string => JSON.stringify(c);
  const have = new Set(registered.map((c) => key(comparable(c))));
  return wanted.every((c) => have.has(key(comparable(c as unknown as Record<string, unknown>))));
}
