import type { CommandDescriptor } from '../chat/index.js';
import type { Command } from './define-command.js';

/** Converts a command into what adapters need to register menus and slash commands. */
export function describeCommand(command: Command): CommandDescriptor {
  return {
    name: command.name,
    aliases: command.aliases,
    summary: command.summary,
    usage: command.usage,
    where: command.where,
    auth: command.auth,
    private: command.private,
    sensitive: command.sensitive,
    args: Object.entries(command.args).map(([name, spec]) => ({
      name,
      description: spec.description,
      type: spec.type,
      required: spec.required,
      rest: spec.rest,
      secret: spec.secret,
      ...(spec.choices ? { choices: spec.choices } : {}),
    })),
  };
}

/**
 * The commands of one bot, looked up by name or alias (case-insensitive).
 */
export class CommandRegistry {
  readonly #byName = new Map<string, Command>();
  readonly #commands: Command[] = [];

  /**
   * Adds commands.
   * @throws TypeError when a name or alias is already taken.
   */
  add(...commands: readonly Command[]): this {
    for (const command of commands) {
      for (const key of [command.name, ...command.aliases]) {
        const taken = this.#byName.get(key);
        if (taken) throw new TypeError(`"${key}" of command "${command.name}" is already taken by "${taken.name}"`);
      }
      this.#byName.set(command.name, command);
      for (const alias of command.aliases) this.#byName.set(alias, command);
      this.#commands.push(command);
    }
    return this;
  }

  /** The command with this name or alias (exact, lower-case). */
  get(name: string): Command | undefined {
    return this.#byName.get(name);
  }

  /** Every command, in the order added. */
  list(): readonly Command[] {
    return this.#commands;
  }

  /** Every name and alias. */
  names(): IterableIterator<string> {
    return this.#byName.keys();
  }

  /** Descriptors of every command, for adapters. */
  describe(): CommandDescriptor[] {
    return this.#commands.map(describeCommand);
  }
}
