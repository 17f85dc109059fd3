import type { StructuredCommand } from '../chat/index.js';
import { StatsError } from '../errors/index.js';
import type { Command } from './define-command.js';
import { tokenizeWithPositions } from './tokenizer.js';

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

function badArgs(command: Command, prefix: string, problem: string): StatsError {
  return new StatsError('bad_args', `bad arguments for ${command.name}: ${problem}`, `${problem}\nUsage: ${prefix}${command.usage}`);
}

function validate(command: Command, prefix: string, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of command.argNames) {
    const spec = command.args[name];
    if (spec === undefined) continue;
    const raw = values[name];
    if (raw === undefined && spec.required) throw badArgs(command, prefix, `Missing ${name} (${spec.description}).`);
    if (spec.check !== undefined) {
      const checked = spec.check(raw);
      if (!checked.ok) throw badArgs(command, prefix, `${name} ${checked.message}.`);
      if (checked.value !== undefined) out[name] = checked.value;
      continue;
    }
    const result = spec.schema.safeParse(raw);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw badArgs(command, prefix, `${name} ${issue?.message ?? 'is invalid'}.`);
    }
    if (result.data !== undefined) out[name] = result.data;
  }
  return out;
}

const DASH = 45; // '-'
const QUOTE_CHARS = new Set(['"', "'", '“', '„', '‘', '«']);

/** The declared argument a `--name` / `name:` token refers to (case-insensitive), if any. */
function declared(command: Command, name: string): string | undefined {
  if (command.args[name] !== undefined) return name;
  const lower = name.toLowerCase();
  return command.argNames.find((n) => n.toLowerCase() === lower);
}

/**
 * Turns the text after the command name into validated arguments. Arguments are positional
 * (`!uptime api 3`) or named, in either form `--days 3`, `--days=3` or `days:3`, mixed freely;
 * a boolean named with `--flag` alone is `true`. Commands marked `sensitive` (a password) take
 * positional arguments only, so no secret is ever read as an option name. A quoted token is
 * always positional.
 *
 * @throws StatsError `bad_args` whose userMessage names the problem and shows the usage line.
 */
export function parseArgs(command: Command, argText: string, prefix: string): Record<string, unknown> {
  if (command.argNames.length === 0) {
    if (argText.trim() !== '') throw badArgs(command, prefix, `${prefix}${command.name} takes no arguments.`);
    return EMPTY as Record<string, unknown>;
  }
  const tokens = tokenizeWithPositions(argText);
  const values: Record<string, unknown> = {};
  const names = command.argNames;
  const named = !command.sensitive;
  let position = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as { value: string; start: number };
    const text = token.value;
    if (named && !QUOTE_CHARS.has(argText.charAt(token.start))) {
      let name: string | undefined;
      let value: string | undefined;
      if (text.charCodeAt(0) === DASH && text.charCodeAt(1) === DASH && text.length > 2) {
        const eq = text.indexOf('=');
        const option = eq === -1 ? text.slice(2) : text.slice(2, eq);
        name = declared(command, option);
        if (name === undefined) {
          const known = names.map((n) => `--${n}`).join(', ');
          throw badArgs(command, prefix, `Unknown option --${option.slice(0, 40)}. Options: ${known}.`);
        }
        if (eq !== -1) value = text.slice(eq + 1);
        else if (command.args[name]?.type === 'boolean') value = 'true';
        else {
          const next = tokens[i + 1];
          if (next === undefined) throw badArgs(command, prefix, `--${name} needs a value (${command.args[name]?.description ?? name}).`);
          value = next.value;
          i++;
        }
      } else {
        const colon = text.indexOf(':');
        if (colon > 0) {
          name = declared(command, text.slice(0, colon));
          if (name !== undefined) value = text.slice(colon + 1);
        }
      }
      if (name !== undefined) {
        if (name in values) throw badArgs(command, prefix, `${name} is given twice.`);
        values[name] = value;
        continue;
      }
    }
    while (position < names.length && (names[position] as string) in values) position++;
    const name = names[position];
    if (name === undefined) {
      const extra = command.sensitive ? 'an extra argument' : `"${text.slice(0, 40)}"`;
      throw badArgs(command, prefix, `Unexpected argument ${extra}.`);
    }
    if (command.args[name]?.rest) {
      values[name] = argText.slice(token.start).trim();
      break;
    }
    values[name] = text;
    position++;
  }
  return validate(command, prefix, values);
}

/** Validates arguments a platform parsed already (Discord options). */
export function validateStructuredArgs(command: Command, structured: StructuredCommand, prefix: string): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(structured.args)) values[key] = value;
  return validate(command, prefix, values);
}
