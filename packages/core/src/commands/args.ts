import { z } from 'zod';
import type { ArgumentDescriptor } from '../chat/index.js';

/**
 * A declared command argument: how it is shown (name, description), how a token becomes a
 * value (parse), and how that value is validated (a zod schema).
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
  /** Validates the raw token (or structured value) and produces the typed value. */
  readonly schema: z.ZodType<T>;
  /**
   * The same validation as `schema` in plain code, for the built-in kinds (integer, number,
   * string): the dispatcher's hot path. `undefined` for custom schemas.
   */
  readonly check: ((raw: unknown) => CheckResult<T>) | undefined;
  /** The same argument, optional (its value may be `undefined`). */
  optional(): ArgSpec<T | undefined>;
  /** The same argument, optional, with a default value. */
  default(value: T): ArgSpec<T>;
}

/** The outcome of {@link ArgSpec.check}. */
export type CheckResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/** The declared arguments of a command, in positional order. */
export type ArgsShape = Readonly<Record<string, ArgSpec<unknown>>>;

/** The typed values of declared arguments. */
export type InferArgs<S extends ArgsShape> = { -readonly [K in keyof S]: S[K] extends ArgSpec<infer T> ? T : never };

interface SpecInit<T> {
  type: ArgumentDescriptor['type'];
  description: string;
  schema: z.ZodType<T>;
  check?: (raw: unknown) => CheckResult<T>;
  rest?: boolean;
  secret?: boolean;
  choices?: readonly string[];
}

function makeSpec<T>(init: SpecInit<T>, required = true, defaultValue?: T): ArgSpec<T> {
  return {
    defaultValue,
    type: init.type,
    description: init.description,
    required,
    rest: init.rest ?? false,
    secret: init.secret ?? false,
    choices: init.choices,
    schema: init.schema,
    check: init.check,
    optional: () => {
      const check = init.check;
      const optionalCheck = check && ((raw: unknown): CheckResult<T | undefined> => (raw === undefined ? { ok: true, value: undefined } : check(raw)));
      return makeSpec<T | undefined>({ ...init, schema: init.schema.optional(), ...(optionalCheck ? { check: optionalCheck } : {}) }, false);
    },
    default: (value: T) => {
      const check = init.check;
      const defaultCheck = check && ((raw: unknown): CheckResult<T> => (raw === undefined ? { ok: true, value } : check(raw)));
      const schema = init.schema.optional().transform((v) => (v === undefined ? value : v)) as z.ZodType<T>;
      return makeSpec<T>({ ...init, schema, ...(defaultCheck ? { check: defaultCheck } : {}) }, false, value);
    },
  };
}

const ok = <T>(value: T): CheckResult<T> => ({ ok: true, value });
const fail = (message: string): CheckResult<never> => ({ ok: false, message });

function checkNumber(typeMessage: string, integer: boolean, bounds: NumberBounds | undefined): (raw: unknown) => CheckResult<number> {
  return (raw) => {
    const n = toNumber(raw);
    if (typeof n !== 'number' || Number.isNaN(n)) return fail(typeMessage);
    if (integer ? !Number.isSafeInteger(n) : !Number.isFinite(n)) return fail(typeMessage);
    if (bounds?.min !== undefined && n < bounds.min) return fail(`must be at least ${bounds.min}`);
    if (bounds?.max !== undefined && n > bounds.max) return fail(`must be at most ${bounds.max}`);
    return ok(n);
  };
}

function checkString(maxLength: number): (raw: unknown) => CheckResult<string> {
  return (raw) => {
    if (typeof raw !== 'string') return fail('must be text');
    if (raw.length === 0) return fail('must not be empty');
    if (raw.length > maxLength) return fail(`must be at most ${maxLength} characters`);
    return ok(raw);
  };
}

function stringSchema(maxLength: number): z.ZodString {
  return z.string({ error: 'must be text' }).min(1, 'must not be empty').max(maxLength, `must be at most ${maxLength} characters`);
}

const toNumber = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim().replace(/_/g, '');
  return trimmed === '' ? Number.NaN : Number(trimmed);
};

const toBoolean = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.toLowerCase();
  if (['true', 'yes', 'on', '1', 'y'].includes(v)) return true;
  if (['false', 'no', 'off', '0', 'n'].includes(v)) return false;
  return value;
};

/** A zod error map that words only the wrong-type case, leaving range errors their own text. */
function typeError(text: string): (issue: { code: string }) => string | undefined {
  return (issue) => (issue.code === 'invalid_type' ? text : undefined);
}

/** Bounds of a numeric argument. */
export interface NumberBounds {
  readonly min?: number;
  readonly max?: number;
}

function bounded(schema: z.ZodNumber, bounds: NumberBounds | undefined): z.ZodNumber {
  let s = schema;
  if (bounds?.min !== undefined) s = s.min(bounds.min, `must be at least ${bounds.min}`);
  if (bounds?.max !== undefined) s = s.max(bounds.max, `must be at most ${bounds.max}`);
  return s;
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
    const max = options?.maxLength ?? 1000;
    return makeSpec({ type: 'string', description, schema: stringSchema(max), check: checkString(max), secret: options?.secret ?? false });
  },
  /** Everything after the previous arguments, as one string. */
  rest(description: string, options?: { readonly maxLength?: number }): ArgSpec<string> {
    const max = options?.maxLength ?? 4000;
    return makeSpec({ type: 'string', description, schema: stringSchema(max), check: checkString(max), rest: true });
  },
  /** A whole number. */
  integer(description: string, bounds?: NumberBounds): ArgSpec<number> {
    const schema = z.preprocess(toNumber, bounded(z.number({ error: typeError('must be a whole number') }).int('must be a whole number'), bounds));
    return makeSpec({ type: 'integer', description, schema: schema as z.ZodType<number>, check: checkNumber('must be a whole number', true, bounds) });
  },
  /** A number. */
  number(description: string, bounds?: NumberBounds): ArgSpec<number> {
    const schema = z.preprocess(toNumber, bounded(z.number({ error: typeError('must be a number') }).finite(), bounds));
    return makeSpec({ type: 'number', description, schema: schema as z.ZodType<number>, check: checkNumber('must be a number', false, bounds) });
  },
  /** yes/no, true/false, on/off. */
  boolean(description: string): ArgSpec<boolean> {
    const schema = z.preprocess(toBoolean, z.boolean({ error: 'must be yes or no' }));
    return makeSpec({ type: 'boolean', description, schema: schema as z.ZodType<boolean> });
  },
  /** One of the listed values (case-insensitive). */
  choice<const C extends readonly [string, ...string[]]>(description: string, choices: C): ArgSpec<C[number]> {
    const schema = z.preprocess((v) => (typeof v === 'string' ? v.toLowerCase() : v), z.enum(choices, { error: `must be one of ${choices.join(', ')}` }));
    return makeSpec({ type: 'string', description, schema: schema as z.ZodType<C[number]>, choices });
  },
  /** A word that must match `pattern`; `message` says what is expected (e.g. `must look like 2d6`). */
  pattern(description: string, pattern: RegExp, message: string): ArgSpec<string> {
    return makeSpec({ type: 'string', description, schema: z.string().regex(pattern, message) });
  },
  /** Any zod schema over the raw token; `type` says how adapters should present it. */
  custom<T>(description: string, schema: z.ZodType<T>, type: ArgumentDescriptor['type'] = 'string'): ArgSpec<T> {
    return makeSpec({ type, description, schema });
  },
} as const;
