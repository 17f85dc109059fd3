import type { StructuredCommand } from '../chat/index.js';
import { StatsError } from '../errors/index.js';
import { InvalidArgument, type ArgSpec } from './args.js';
import type { Command } from './define-command.js';
import { tokenizeWithPositions } from './tokenizer.js';

const EMPTY: Readonly<Record<string, unknown>> = Object.freeze({});

function badArgs(command: Command, prefix: string, problem: string): StatsError {
  return new StatsError(
    'bad_args',
    `bad arguments for ${command.name}: ${problem}`,
    `${problem}\nUsage: ${prefix}${command.usage}`,
  );
}

/** One declared argument, flattened for the compiled validator. */
interface CompiledArg {
  readonly name: string;
  readonly spec: ArgSpec<unknown>;
}

function validate(
  command: Command,
  prefix: string,
  args: readonly CompiledArg[],
  values: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { name, spec } of args) {
    const raw = values[name];
    if (raw === undefined && spec.required) throw badArgs(command, prefix, `Missing ${name} (${spec.description}).`);
    let value: unknown;
    try {
      value = spec.parse(raw);
    } catch (error) {
      if (error instanceof InvalidArgument) throw badArgs(command, prefix, `${name} ${error.message}.`);
      throw error;
    }
    if (value !== undefined) out[name] = value;
  }
  return out;
}

const DASH = 45; // '-'
const COLON = 58; // ':'
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
  return compileArgs(command, prefix).text(argText);
}

/** The general path of {@link parseArgs}: quotes, escapes, named arguments, every error. */
function parseTokens(
  command: Command,
  prefix: string,
  args: readonly CompiledArg[],
  argText: string,
): Record<string, unknown> {
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
          if (next === undefined)
            throw badArgs(command, prefix, `--${name} needs a value (${command.args[name]?.description ?? name}).`);
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
  return validate(command, prefix, args, values);
}

/** Validates arguments a platform parsed already (Discord options). */
export function validateStructuredArgs(
  command: Command,
  structured: StructuredCommand,
  prefix: string,
): Record<string, unknown> {
  return compileArgs(command, prefix).structured(structured);
}

/** A command's arguments compiled into validators, once per command (see {@link compileArgs}). */
export interface CompiledArgs {
  /** Arguments typed after the command word. @throws StatsError `bad_args`. */
  readonly text: (argText: string) => Record<string, unknown>;
  /** Arguments a platform parsed already (Discord options). @throws StatsError `bad_args`. */
  readonly structured: (structured: StructuredCommand) => Record<string, unknown>;
}

const NOTHING = /\S/;

/** `"`, `'`, `“`, `„`, `‘`, `«` and `\`: the general path's business. */
function isQuoteOrEscape(code: number): boolean {
  return (
    code === 34 || code === 39 || code === 92 || code === 0x201c || code === 0x201e || code === 0x2018 || code === 0xab
  );
}

function isSpaceCode(code: number): boolean {
  return code === 32 || (code >= 9 && code <= 13) || code === 160;
}

/**
 * Compiles a command's declared arguments into its validators, once, when its dispatch chain is
 * composed: the specs' own `parse` functions in positional order, with a fast path for the
 * common line (plain words, positional) that allocates no tokens and falls back to the general
 * path (quotes, named arguments, every error text) whenever it meets anything else.
 */
export function compileArgs(command: Command, prefix: string): CompiledArgs {
  const args: CompiledArg[] = command.argNames.map((name) => ({ name, spec: command.args[name] as ArgSpec<unknown> }));
  const structured = (input: StructuredCommand): Record<string, unknown> => {
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input.args)) values[key] = value;
    return validate(command, prefix, args, values);
  };
  if (args.length === 0) {
    return {
      text: (argText) => {
        if (argText !== '' && NOTHING.test(argText))
          throw badArgs(command, prefix, `${prefix}${command.name} takes no arguments.`);
        return EMPTY as Record<string, unknown>;
      },
      structured,
    };
  }
  const named = !command.sensitive;
  const count = args.length;
  const fast = (argText: string): Record<string, unknown> | undefined => {
    const out: Record<string, unknown> = {};
    const length = argText.length;
    let position = 0;
    let i = 0;
    for (;;) {
      while (i < length && isSpaceCode(argText.charCodeAt(i))) i++;
      if (i >= length) break;
      const start = i;
      // One pass over the word: its end, and whether it has a quote, an escape or a `:` past its
      // first character (`name:value`, the general path's business where names are allowed).
      let colon = false;
      for (; i < length; i++) {
        const code = argText.charCodeAt(i);
        if (isSpaceCode(code)) break;
        if (code === COLON) colon ||= i > start;
        else if (isQuoteOrEscape(code)) return undefined;
      }
      if (position >= count) return undefined;
      const { name, spec } = args[position] as CompiledArg;
      position++;
      let word: string;
      if (spec.rest) {
        for (; i < length; i++) if (isQuoteOrEscape(argText.charCodeAt(i))) return undefined;
        word = argText.slice(start).trim();
      } else {
        if (named && (colon || (argText.charCodeAt(start) === DASH && argText.charCodeAt(start + 1) === DASH)))
          return undefined;
        word = argText.slice(start, i);
      }
      let value: unknown;
      try {
        value = spec.parse(word);
      } catch {
        return undefined;
      }
      if (value !== undefined) out[name] = value;
    }
    for (; position < count; position++) {
      const { name, spec } = args[position] as CompiledArg;
      if (spec.required) return undefined;
      const value = spec.parse(undefined);
      if (value !== undefined) out[name] = value;
    }
    return out;
  };
  return {
    text: (argText) => fast(argText) ?? parseTokens(command, prefix, args, argText),
    structured,
  };
}
