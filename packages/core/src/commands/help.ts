import { document, code as inlineCode, type Document } from '../document/index.js';
import { arg } from './args.js';
import { defineCommand, type Command } from './define-command.js';
import type { CommandRegistry } from './registry.js';
import { closest } from './suggest.js';

/** The answer to an unknown command: the closest name, and a pointer to help. */
export function unknownCommandText(name: string, registry: CommandRegistry, prefix: string): string {
  const shown = name.length > 32 ? `${name.slice(0, 32)}…` : name;
  // A listed command's own name wins over an alias at the same distance (!stat → !stats, not
  // the help alias !start); aliases and hidden commands are only a fallback.
  const listed = registry
    .list()
    .filter((c) => !c.hidden)
    .map((c) => c.name);
  const suggestion = closest(name, listed) ?? closest(name, registry.names());
  const hint = suggestion === undefined ? '' : ` Did you mean ${prefix}${suggestion}?`;
  return `Unknown command ${prefix}${shown}.${hint} Send ${prefix}help for the list of commands.`;
}

function aliasNote(command: Command, prefix: string): string {
  return command.aliases.length === 0 ? '' : ` (also ${command.aliases.map((a) => `${prefix}${a}`).join(', ')})`;
}

function overview(registry: CommandRegistry, prefix: string): Document {
  const doc = document().heading('Commands', 2);
  const byCategory = new Map<string, Command[]>();
  for (const command of registry.list()) {
    if (command.hidden) continue;
    const list = byCategory.get(command.category) ?? [];
    list.push(command);
    byCategory.set(command.category, list);
  }
  for (const [category, commands] of byCategory) {
    if (byCategory.size > 1) doc.heading(category, 3);
    doc.list(commands.map((c) => [inlineCode(`${prefix}${c.usage}`), ` — ${c.summary}${aliasNote(c, prefix)}`]));
  }
  return doc.footer(`Send ${prefix}help <command> for details.`);
}

function details(command: Command, prefix: string): Document {
  const doc = document().heading(`${prefix}${command.name}`, 2).text(command.summary);
  if (command.description) doc.text(command.description);
  const fields: { label: string; value: string }[] = [{ label: 'Usage', value: `${prefix}${command.usage}` }];
  if (command.aliases.length > 0)
    fields.push({ label: 'Aliases', value: command.aliases.map((a) => `${prefix}${a}`).join(', ') });
  if (command.where === 'direct-only') fields.push({ label: 'Where', value: 'direct messages only' });
  if (command.auth === 'session') fields.push({ label: 'Needs', value: `a login (${prefix}login)` });
  doc.fields(fields);
  const args = Object.entries(command.args);
  if (args.length > 0) {
    doc.list(
      args.map(([name, spec]) => {
        const extra = spec.choices ? ` (one of ${spec.choices.join(', ')})` : '';
        const optional = spec.defaultValue === undefined ? ' (optional)' : ` (default ${String(spec.defaultValue)})`;
        return [inlineCode(name), ` — ${spec.description}${extra}${spec.required ? '' : optional}`];
      }),
    );
    const first = args[0]?.[0] ?? '';
    if (!command.sensitive) doc.footer(`Arguments may also be named: --${first} value or ${first}:value.`);
  }
  return doc;
}

/**
 * The built-in `help` command, generated from the registry: `!help` lists every command with
 * its summary (grouped by category), `!help <command>` shows usage, aliases and arguments.
 */
export function createHelpCommand(registry: CommandRegistry): Command {
  return defineCommand({
    name: 'help',
    aliases: ['start', 'commands'],
    summary: 'Lists the commands, or explains one',
    category: 'General',
    args: { command: arg.string('a command to explain', { maxLength: 64 }).optional() },
    rateLimit: false,
    run: ({ args, settings }) => {
      const prefix = settings.prefix;
      if (args.command === undefined) return overview(registry, prefix);
      const wanted = args.command.toLowerCase().replace(/^[!/]/, '');
      const command = registry.get(wanted);
      if (command === undefined) return unknownCommandText(wanted, registry, prefix);
      return details(command, prefix);
    },
  });
}
