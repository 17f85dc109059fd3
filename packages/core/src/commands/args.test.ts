import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arg, type ArgSpec } from './args.js';

const SPECS: Record<string, ArgSpec<unknown>> = {
  integer: arg.integer('n', { min: -5, max: 100 }),
  number: arg.number('x', { min: 0 }),
  string: arg.string('s', { maxLength: 8 }),
  rest: arg.rest('r', { maxLength: 12 }),
  optionalInteger: arg.integer('n').optional(),
  defaultInteger: arg.integer('n', { max: 9 }).default(3),
};

const TOKENS = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.integer({ min: -20, max: 200 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.constantFrom('', ' ', '1_000', '0x10', '1e3', 'Infinity', '-0', '2.0', '3.5', 'NaN'),
  fc.constant(undefined),
);

describe('the fast argument checks', () => {
  it.each(Object.entries(SPECS))('%s agrees with its zod schema on every input', (_name, spec) => {
    fc.assert(
      fc.property(TOKENS, (raw) => {
        const fast = spec.check?.(raw);
        const slow = spec.schema.safeParse(raw);
        expect(fast?.ok).toBe(slow.success);
        if (fast?.ok && slow.success) expect(fast.value).toStrictEqual(slow.data);
        if (fast !== undefined && !fast.ok && !slow.success) expect(fast.message).toBe(slow.error.issues[0]?.message);
      }),
      { numRuns: 2_000 },
    );
  });

  it('leaves custom schemas to zod', () => {
    expect(arg.pattern('dice', /^\d+d\d+$/, 'must look like 2d6').check).toBeUndefined();
  });
});
