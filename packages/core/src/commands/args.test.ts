import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { arg, InvalidArgument, type ArgSpec } from './args.js';

// The zod schemas `arg.*` were built from before they were compiled to plain validators: kept
// here (tests only) as the reference for the values and the texts users see.
const toNumber = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim().replace(/_/g, '');
  return trimmed === '' ? Number.NaN : Number(trimmed);
};
const typeError = (text: string) => (issue: { code: string }) => (issue.code === 'invalid_type' ? text : undefined);
function bounded(schema: z.ZodNumber, min?: number, max?: number): z.ZodNumber {
  let s = schema;
  if (min !== undefined) s = s.min(min, `must be at least ${min}`);
  if (max !== undefined) s = s.max(max, `must be at most ${max}`);
  return s;
}
const text = (max: number) =>
  z.string({ error: 'must be text' }).min(1, 'must not be empty').max(max, `must be at most ${max} characters`);
const toBoolean = (value: unknown): unknown => {
  if (typeof value !== 'string') return value;
  const v = value.toLowerCase();
  if (['true', 'yes', 'on', '1', 'y'].includes(v)) return true;
  if (['false', 'no', 'off', '0', 'n'].includes(v)) return false;
  return value;
};

const CASES: readonly [string, ArgSpec<unknown>, z.ZodType][] = [
  [
    'integer',
    arg.integer('n', { min: -5, max: 100 }),
    z.preprocess(
      toNumber,
      bounded(z.number({ error: typeError('must be a whole number') }).int('must be a whole number'), -5, 100),
    ),
  ],
  [
    'number',
    arg.number('x', { min: 0 }),
    z.preprocess(toNumber, bounded(z.number({ error: typeError('must be a number') }).finite(), 0)),
  ],
  ['string', arg.string('s', { maxLength: 8 }), text(8)],
  ['rest', arg.rest('r', { maxLength: 12 }), text(12)],
  [
    'optional integer',
    arg.integer('n').optional(),
    z
      .preprocess(toNumber, z.number({ error: typeError('must be a whole number') }).int('must be a whole number'))
      .optional(),
  ],
  [
    'defaulted integer',
    arg.integer('n', { max: 9 }).default(3),
    z
      .preprocess(
        toNumber,
        bounded(z.number({ error: typeError('must be a whole number') }).int('must be a whole number'), undefined, 9),
      )
      .optional()
      .transform((v) => (v === undefined ? 3 : v)),
  ],
  [
    'boolean',
    arg.boolean('b').optional(),
    z.preprocess(toBoolean, z.boolean({ error: 'must be yes or no' })).optional(),
  ],
  [
    'choice',
    arg.choice('c', ['day', 'week']).optional(),
    z
      .preprocess(
        (v) => (typeof v === 'string' ? v.toLowerCase() : v),
        z.enum(['day', 'week'], { error: 'must be one of day, week' }),
      )
      .optional(),
  ],
  [
    'pattern',
    arg.pattern('d', /^\d+d\d+$/, 'must look like 2d6').optional(),
    z
      .string({ error: 'must be text' })
      .regex(/^\d+d\d+$/, 'must look like 2d6')
      .optional(),
  ],
];

const TOKENS = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -20, max: 200 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.constantFrom(
    '',
    ' ',
    '1_000',
    '0x10',
    '1e3',
    'Infinity',
    '-0',
    '2.0',
    '3.5',
    'NaN',
    'YES',
    'off',
    'Week',
    '2d6',
    '2D6',
  ),
  fc.constant(undefined),
);

function outcome(spec: ArgSpec<unknown>, raw: unknown): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: spec.parse(raw) };
  } catch (error) {
    if (error instanceof InvalidArgument) return { ok: false, message: error.message };
    throw error;
  }
}

describe('the compiled argument validators', () => {
  it.each(CASES)('%s accepts, types and words problems as its zod schema did', (_name, spec, schema) => {
    fc.assert(
      fc.property(TOKENS, (raw) => {
        if (raw === undefined && spec.required) return;
        const fast = outcome(spec, raw);
        const slow = schema.safeParse(raw);
        expect(fast.ok).toBe(slow.success);
        if (fast.ok && slow.success) expect(fast.value).toStrictEqual(slow.data);
        if (!fast.ok && !slow.success) expect(fast.message).toBe(slow.error.issues[0]?.message);
      }),
      { numRuns: 2_000 },
    );
  });

  it('takes any Standard Schema (here zod) for a custom argument, with its first issue as the text', () => {
    const port = arg.custom('port', z.coerce.number().int().min(1, 'must be a port number'));
    expect(port.parse('8080')).toBe(8080);
    expect(() => port.parse('0')).toThrow(new InvalidArgument('must be a port number'));
  });
});
