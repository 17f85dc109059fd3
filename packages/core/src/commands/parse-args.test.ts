import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StatsError } from '../errors/index.js';
import { arg } from './args.js';
import { defineCommand } from './define-command.js';
import { compileArgs, parseArgs } from './parse-args.js';

const dice = defineCommand({
  name: 'dice',
  summary: 'Rolls dice',
  args: {
    count: arg.integer('how many dice', { min: 1, max: 20 }),
    sides: arg.integer('sides', { min: 2 }).default(6),
    label: arg.rest('a label').optional(),
  },
  run: () => 'x',
});

function failure(fn: () => unknown): StatsError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StatsError) return error;
  }
  throw new Error('expected a StatsError');
}

describe('parseArgs', () => {
  it('types and defaults the arguments', () => {
    expect(parseArgs(dice, '3', '!')).toEqual({ count: 3, sides: 6 });
    expect(parseArgs(dice, '3 20 for  the win', '!')).toEqual({ count: 3, sides: 20, label: 'for  the win' });
  });

  it('answers a missing argument with the usage line', () => {
    const error = failure(() => parseArgs(dice, '', '!'));
    expect(error.code).toBe('bad_args');
    expect(error.userMessage).toBe('Missing count (how many dice).\nUsage: !dice <count> [sides=6] [label…]');
  });

  it('names the argument and the rule it broke', () => {
    expect(failure(() => parseArgs(dice, 'three', '!')).userMessage).toMatch(/^count must be a whole number\./);
    expect(failure(() => parseArgs(dice, '99', '!')).userMessage).toMatch(/^count must be at most 20\./);
    expect(failure(() => parseArgs(dice, '2.5', '!')).userMessage).toMatch(/^count must be a whole number/);
  });

  it('refuses arguments a command does not take', () => {
    const ping = defineCommand({ name: 'ping', summary: 'Pong', run: () => 'pong' });
    expect(failure(() => parseArgs(ping, 'extra', '!')).userMessage).toBe('!ping takes no arguments.\nUsage: !ping');
  });

  it('parses choices case-insensitively and lists the permitted values', () => {
    const period = defineCommand({
      name: 'period',
      summary: 'x',
      args: { range: arg.choice('range', ['day', 'week']) },
      run: () => 'x',
    });
    expect(parseArgs(period, 'WEEK', '!')).toEqual({ range: 'week' });
    expect(failure(() => parseArgs(period, 'year', '!')).userMessage).toMatch(/must be one of day, week/);
  });

  it('never echoes an unexpected argument of a sensitive command', () => {
    const login = defineCommand({
      name: 'login',
      summary: 'x',
      sensitive: true,
      args: { email: arg.string('e-mail'), password: arg.string('password', { secret: true }) },
      run: () => 'x',
    });
    const error = failure(() => parseArgs(login, 'a@b.c hunter2 hunter3', '!'));
    expect(error.userMessage).not.toContain('hunter');
  });

  it('rejects declarations that cannot be parsed positionally', () => {
    expect(() =>
      defineCommand({
        name: 'bad',
        summary: 'x',
        args: { a: arg.string('a').optional(), b: arg.string('b') },
        run: () => 'x',
      }),
    ).toThrow(/cannot follow optional/);
    expect(() => defineCommand({ name: 'Bad Name', summary: 'x', run: () => 'x' })).toThrow(/lower-case/);
  });
});

describe('the compiled fast path', () => {
  const outcome = (fn: () => unknown): unknown => {
    try {
      return { ok: fn() };
    } catch (error) {
      return { error: error instanceof StatsError ? error.userMessage : String(error) };
    }
  };
  const word = fc.stringMatching(/^[a-zA-Z0-9_.+-]{1,6}$/).filter((w) => !w.startsWith('--'));

  it('gives what the general path gives for plain words (quoting forces the general path)', () => {
    const compiled = compileArgs(dice, '!');
    fc.assert(
      fc.property(fc.array(word, { maxLength: 5 }), fc.constantFrom(' ', '  ', '\t'), (words, gap) => {
        const fast = outcome(() => compiled.text(words.join(gap)));
        const general = outcome(() => compiled.text(words.map((w) => `"${w}"`).join(gap)));
        // The rest argument keeps the quotes in the general path; compare it unquoted.
        const unquote = (value: unknown): unknown => JSON.parse(JSON.stringify(value).replace(/\\"/g, ''));
        expect(fast).toEqual(words.length > 2 ? unquote(general) : general);
      }),
      { numRuns: 1_000 },
    );
  });
});
