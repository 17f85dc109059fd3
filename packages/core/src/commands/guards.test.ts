import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StatsError } from '../errors/index.js';
import { createTestBot, type TestBot } from '../testing/index.js';
import { arg } from './args.js';
import { defineCommand } from './define-command.js';
import { defaultGuards } from './guards/index.js';
import { everyCommand, insertGuard, type Guard, type Middleware } from './middleware.js';

const ping = defineCommand({ name: 'ping', summary: 'Answers pong', run: () => 'pong' });
const echo = defineCommand({
  name: 'echo',
  summary: 'Echoes',
  args: { word: arg.string('a word') },
  run: ({ args }) => args.word,
});

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describe('the guard chain', () => {
  it('takes a new guard in a given place without any change to the dispatcher', async () => {
    const seen: string[] = [];
    // Only for commands with arguments, after the arguments are validated, before the command.
    const shouting: Guard = {
      name: 'no-shouting',
      setup: () => (command) =>
        command.argNames.length === 0
          ? undefined
          : (ctx, next) => {
              seen.push(`${ctx.command.name}:${JSON.stringify(ctx.args)}`);
              if (Object.values(ctx.args).some((v) => typeof v === 'string' && v === v.toUpperCase()))
                throw new StatsError('bad_args', 'shouting', 'Please do not shout.');
              return next();
            },
    };
    bot = await createTestBot({ commands: [ping, echo], guards: [{ guard: shouting, after: 'arguments' }] });
    expect((await bot.say('!echo hello')).plain).toBe('hello');
    expect((await bot.say('!echo HELLO')).plain).toBe('Please do not shout.');
    expect((await bot.say('!ping')).plain).toBe('pong');
    expect((await bot.say('!echo')).plain).toMatch(/^Missing word/);
    expect(seen).toEqual(['echo:{"word":"hello"}', 'echo:{"word":"HELLO"}']);
    expect(bot.bot.metrics.commands.value({ command: 'echo', platform: 'memory', outcome: 'bad_args' })).toBe(2);
    expect(() => insertGuard(defaultGuards, shouting, { before: 'nope' })).toThrow(/no guard named "nope"/);
  });

  it('runs in the explicit order, with user middleware after the built-in guards and seeing ctx.command', async () => {
    expect(defaultGuards.map((g) => g.name)).toEqual([
      'answer',
      'direct-only',
      'redact-sensitive',
      'rate-limit',
      'arguments',
      'work',
      'session',
      'middleware',
    ]);
    const order: string[] = [];
    const mark =
      (name: string): Middleware =>
      (ctx, next) => {
        order.push(`${name}:${ctx.command.name}`);
        return next();
      };
    bot = await createTestBot({
      commands: [ping],
      rateLimit: { capacity: 1, refillPerSecond: 0.001 },
      middleware: [mark('user')],
      guards: [{ guard: everyCommand('first', mark('first')), before: 'answer' }],
    });
    expect((await bot.say('!ping')).plain).toBe('pong');
    expect((await bot.say('!ping')).plain).toMatch(/^Slow down/);
    // The refusal came from the rate-limit guard, before the user's middleware.
    expect(order).toEqual(['first:ping', 'user:ping', 'first:ping']);
  });

  it('refuses to walk the chain twice from one step', async () => {
    const twice: Middleware = async (_ctx, next) => {
      await next();
      return next();
    };
    bot = await createTestBot({ commands: [ping], middleware: [twice] });
    expect((await bot.say('!ping')).plain).toMatch(/^Something went wrong\. \(error id [0-9a-f]{8}\)$/);
  });
});

describe('typing', () => {
  it('is not shown for a quick answer', async () => {
    bot = await createTestBot({ commands: [ping], typingDelayMs: 20, adapter: { typingTimeoutMs: 100 } });
    await bot.say('!ping');
    expect(bot.adapter.typingCalls).toEqual([]);
  });

  it('starts after the delay, is renewed before the platform lets it lapse, and stops at the end', async () => {
    let finish: (text: string) => void = () => undefined;
    const slow = defineCommand({
      name: 'slow',
      summary: 'Slow',
      run: () => new Promise<string>((resolve) => (finish = resolve)),
    });
    bot = await createTestBot({ commands: [slow], typingDelayMs: 10, adapter: { typingTimeoutMs: 50 } });
    const started = performance.now();
    const answered = bot.say('!slow');
    const adapter = bot.adapter;
    // Wait (by events, not by time) until typing was renewed twice: 3 calls with on = true.
    while (adapter.typingCalls.filter((c) => c.on).length < 3) await new Promise((resolve) => setImmediate(resolve));
    finish('done');
    expect((await answered).plain).toBe('done');
    const calls = adapter.typingCalls;
    expect(calls.map((c) => c.on)).toEqual([true, true, true, false]);
    expect(calls.every((c) => c.room.id === 'dm:@alice')).toBe(true);
    // First after the delay; each renewal about 80 % of the 50 ms timeout after the previous one.
    expect((calls[0]?.at ?? 0) - started).toBeGreaterThanOrEqual(9);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(39);
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeLessThan(50 + 200);
  });
});

describe('argument validation', () => {
  it('lives in commands/ without zod at module load', () => {
    const dir = new URL('.', import.meta.url).pathname;
    const sources = [
      ...readdirSync(dir).map((f) => join(dir, f)),
      ...readdirSync(join(dir, 'guards')).map((f) => join(dir, 'guards', f)),
    ].filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
    expect(sources.length).toBeGreaterThan(10);
    for (const file of sources) expect(readFileSync(file, 'utf8'), file).not.toMatch(/from ['"]zod['"]/);
  });
});
