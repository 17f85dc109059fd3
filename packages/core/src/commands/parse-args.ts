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

/**
 * Turns the text after the command name into validated arguments.
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
  let i = 0;
  for (; i < names.length && i < tokens.length; i++) {
    const name = names[i] as string;
    const spec = command.args[name];
    const token = tokens[i] as { value: string; start: number };
    if (spec?.rest) {
      values[name] = argText.slice(token.start).trim();
      i = tokens.length;
      break;
    }
    values[name] = token.value;
  }
  if (i < tokens.length) {
    const extra = command.sensitive ? 'an extra argument' : `"${(tokens[i] as { value: string }).value.slice(0, 40)}"`;
    throw badArgs(command, prefix, `Unexpected argument ${extra}.`);
  }
  return validate(command, prefix, values);
}

/** Validates arguments a platform parsed already (Discord options). */
export function validateStructuredArgs(command: Command, structured: StructuredCommand, prefix: string): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(structured.args)) values[key] = value;
  return validate(command, prefix, values);
}
