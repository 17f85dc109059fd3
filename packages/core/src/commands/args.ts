import type { ArgumentDescriptor } from '../chat/index.js';

/**
 * Thrown by {@link ArgSpec.parse} for a value the argument does not accept; `message` says why
 * in the words the user sees after the argument's name (`must be a whole number`).
 */
export class InvalidArgument extends Error {
  override readonly name = 'InvalidArgument';
}

/**
 * A declared command argument: how it is shown (name, description) and how a token (or a
 * platform's structured value) becomes the typed value. `parse` is the one validation of the
 * argument: the dispatcher compiles a command's arguments into one validator from these.
 */
export interface ArgSpec<T> {
  readonly type: ArgumentDescriptor['type'];
  readonly description: string;
  readonly required: boolean;
  readonly rest: boolean;
  readonly secret: boolean;
  readonly choices: readonly string[] | undefined;
  /** The value used when the argument is left out (set by {@link ArgSpec.default}). */
  readonly defaultValue: T | undefined;
  /**
   * The typed value of the raw token (or structured value); `undefined` (left out) gives the
   * default, or `undefined` for an optional argument.
   * @throws InvalidArgument when the value is not accepted.
   */
  readonly parse: (raw: unknown) => T;
  /** The same argument, optional (its value may be `undefined`). */
  optional(): ArgSpec<T | undefined>;
  /** The same argument, optional, with a default value. */
  default(value: T): ArgSpec<T>;
}

/** The declared arguments of a command, in positional order. */
export type ArgsShape = Readonly<Record<string, ArgSpec<unknown>>>;

/** The typed values of declared arguments. */
export type InferArgs<S extends ArgsShape> = { -readonly [K in keyof S]: S[K] extends ArgSpec<infer T> ? T : never };

/**
 * A validator in the shape of Standard Schema v1 (https://standardschema.dev), which zod,
 * valibot and arktype schemas implement: `arg.custom` accepts any of them. Validation must be
 * synchronous.
 */
export interface StandardSchemaLike<T> {
  readonly '~standard': {
    readonly validate: (value: unknown) => StandardResult<T> | Promise<StandardResult<T>>;
  };
}

/** The result of a {@link StandardSchemaLike} validation. */
export type StandardResult<T> =
  { readonly value: T; readonly issues?: undefined } | { readonly issues: readonly { readonly message: string }[] };

interface SpecInit<T> {
  type: ArgumentDescriptor['type'];
  description: string;
  /** Validates a present (not `undefined`) value. */
  parse: (raw: unknown) => T;
  rest?: boolean;
  secret?: boolean;
  choices?: readonly string[];
}

function invalid(message: string): never {
  throw new InvalidArgument(message);
}

function makeSpec<T>(init: SpecInit<T>, required = true, defaultValue?: T): ArgSpec<T> {
  const present = init.parse;
  let parse: (raw: unknown) => T;
  if (required) parse = (raw) => (raw === undefined ? invalid('is required') : present(raw));
  else parse = (raw) => (raw === undefined ? (defaultValue as T) : present(raw));
  return {
    defaultValue,
    type: init.type,
    description: init.description,
    required,
    rest: init.rest ?? false,
    secret: init.secret ?? false,
    choices: init.choices,
    parse,
    optional: () => makeSpec<T | undefined>(init, false),
    default: (value: T) => makeSpec<T>(init, false, value),
  };
}

function toNumber(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  // The common token (`3`, `-2.5`) converts at once; Number('') and whitespace-only give 0,
  // and `1_000` gives NaN: those take the careful path below.
  const direct = Number(value);
  if (direct !== 0 && !Number.isNaN(direct)) return direct;
  let trimmed = value.trim();
  if (trimmed.includes('_')) trimmed = trimmed.replace(/_/g, '');
  return trimmed === '' ? Number.NaN : Number(trimmed);
}

const TRUE = new Set(['true', 'yes', 'on', '1', 'y']);
const FALSE = new Set(['false', 'no', 'off', '0', 'n']);

function parseNumber(
  typeMessage: string,
  integer: boolean,
  bounds: NumberBounds | undefined,
): (raw: unknown) => number {
  const min = bounds?.min;
  const max = bounds?.max;
  return (raw) => {
    const n = toNumber(raw);
    if (typeof n !== 'number' || (integer ? !Number.isSafeInteger(n) : !Number.isFinite(n)))
      return invalid(typeMessage);
    if (min !== undefined && n < min) return invalid(`must be at least ${min}`);
    if (max !== undefined && n > max) return invalid(`must be at most ${max}`);
    return n;
  };
}

function parseString(maxLength: number): (raw: unknown) => string {
  return (raw) => {
    if (typeof raw !== 'string') return invalid('must be text');
    if (raw.length === 0) return invalid('must not be empty');
    if (raw.length > maxLength) return invalid(`must be at most ${maxLength} characters`);
    return raw;
  };
}

/** Bounds of a numeric argument. */
export interface NumberBounds {
  readonly min?: number;
  readonly max?: number;
}

/**
 * Builders for declared arguments.
 *
 * @example
 * defineCommand({
 *   name: 'dice',
 *   summary: 'Rolls dice',
 *   args: { count: arg.integer('how many dice', { min: 1, max: 20 }), sides: arg.integer('sides', { min: 2 }).default(6) },
 *   run: ({ args }) => roll(args.count, args.sides),
 * });
 */
export const arg = {
  /** One word (or a quoted phrase). */
  string(description: string, options?: { readonly maxLength?: number; readonly secret?: boolean }): ArgSpec<string> {
    return makeSpec({
      type: 'string',
      description,
      parse: parseString(options?.maxLength ?? 1000),
      secret: options?.secret ?? false,
    });
  },
  /** Everything after the previous arguments, as one string. */
  rest(description: string, options?: { readonly maxLength?: number }): ArgSpec<string> {
    return makeSpec({ type: 'string', description, parse: parseString(options?.maxLength ?? 4000), rest: true });
  },
  /** A whole number. */
  integer(description: string, bounds?: NumberBounds): ArgSpec<number> {
    return makeSpec({ type: 'integer', description, parse: parseNumber('must be a whole number', true, bounds) });
  },
  /** A number. */
  number(description: string, bounds?: NumberBounds): ArgSpec<number> {
    return makeSpec({ type: 'number', description, parse: parseNumber('must be a number', false, bounds) });
  },
  /** yes/no, true/false, on/off. */
  boolean(description: string): ArgSpec<boolean> {
    const parse = (raw: unknown): boolean => {
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string') {
        const v = raw.toLowerCase();
        if (TRUE.has(v)) return true;
        if (FALSE.has(v)) return false;
      }
      return invalid('must be yes or no');
    };
    return makeSpec({ type: 'boolean', description, parse });
  },
  /** One of the listed values (case-insensitive). */
  choice<const C extends readonly [string, ...string[]]>(description: string, choices: C): ArgSpec<C[number]> {
    const allowed = new Set<string>(choices);
    const message = `must be one of ${choices.join(', ')}`;
    const parse = (raw: unknown): C[number] => {
      const v = typeof raw === 'string' ? raw.toLowerCase() : undefined;
      return v !== undefined && allowed.has(v) ? v : invalid(message);
    };
    return makeSpec({ type: 'string', description, parse, choices });
  },
  /** A word that must match `pattern`; `message` says what is expected (e.g. `must look like 2d6`). */
  pattern(description: string, pattern: RegExp, message: string): ArgSpec<string> {
    const parse = (raw: unknown): string => {
      if (typeof raw !== 'string') return invalid('must be text');
      pattern.lastIndex = 0;
      return pattern.test(raw) ? raw : invalid(message);
    };
    return makeSpec({ type: 'string', description, parse });
  },
  /**
   * Any Standard Schema over the raw token (a zod, valibot or arktype schema); `type` says how
   * adapters should present it. The first issue's message is shown after the argument's name.
   */
  custom<T>(
    description: string,
    schema: StandardSchemaLike<T>,
    type: ArgumentDescriptor['type'] = 'string',
  ): ArgSpec<T> {
    const parse = (raw: unknown): T => {
      const result = schema['~standard'].validate(raw);
      if (result instanceof Promise)
        throw new TypeError(
          `the schema of argument "${description}" validates asynchronously; arguments need a synchronous schema`,
        );
      if (result.issues !== undefined) return invalid(result.issues[0]?.message ?? 'is invalid');
      return result.value;
    };
    return makeSpec({ type, description, parse });
  },
} as const;
