import { afterEach, describe, expect, it } from 'vitest';
import { arg, createBot, defineCommand, type Bot } from '../../src/index.js';
import {
  createMemoryAdapter,
  createTestBot,
  type MemoryAdapter,
  type TestBot,
  type TestBotOptions,
} from '../../src/testing/index.js';

// What the dispatch fast paths must keep doing (bench/cases/dispatch.ts measures their speed):
// per-platform rate limits keyed by user id, routes kept by the name typed, the direct-only
// guard, `now` as the bot's clock, and the one-pass argument scan with `Number()` first.

const ping = defineCommand({ name: 'ping', aliases: ['p'], summary: 'Answers pong', run: () => 'pong' });

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops) await stop();
  stops = [];
});

async function testBot(options: TestBotOptions): Promise<TestBot> {
  const bot = await createTestBot(options);
  stops.push(() => bot.stop());
  return bot;
}

/** The text of the last answer in `adapter`. */
function last(adapter: MemoryAdapter): string | undefined {
  return adapter.sent.at(-1)?.plain;
}

describe('rate limit per platform and user', () => {
  let bot: Bot;
  let a: MemoryAdapter;
  let b: MemoryAdapter;
  let ab: MemoryAdapter;

  async function start(): Promise<void> {
    a = createMemoryAdapter({ platform: 'a' });
    b = createMemoryAdapter({ platform: 'b' });
    ab = createMemoryAdapter({ platform: 'a:b' });
    bot = createBot({
      adapters: [a, b, ab],
      commands: [ping],
      rateLimit: { capacity: 1, refillPerSecond: 0 },
      now: () => 1_000,
    });
    await bot.start();
    stops.push(() => bot.stop());
  }

  it('limits a user on one platform only, and never another user', async () => {
    await start();
    await a.deliver('!ping', { user: '@alice' });
    expect(last(a)).toBe('pong');
    await a.deliver('!ping', { user: '@alice' });
    expect(last(a)).toMatch(/^Slow down: try again in/);
    // The same id on another platform is another user.
    await b.deliver('!ping', { user: '@alice' });
    expect(last(b)).toBe('pong');
    // Another user on the limited platform is not limited.
    await a.deliver('!ping', { user: '@bob' });
    expect(last(a)).toBe('pong');
    // A second refusal in the same burst is not answered.
    const before = a.sent.length;
    await a.deliver('!ping', { user: '@alice' });
    expect(a.sent.length).toBe(before);
  });

  it('does not mistake a user id holding the platform separator for another user', async () => {
    await start();
    // With one `platform:id` key, platform "a" + id "b:@x" and platform "a:b" + id "@x" met;
    // keyed per platform, ids are never joined to anything.
    await a.deliver('!ping', { user: 'b:@x' });
    await ab.deliver('!ping', { user: '@x' });
    expect([last(a), last(ab)]).toEqual(['pong', 'pong']);
  });
});

describe('routes by the name typed', () => {
  it('answers a name and its alias, in any case, and the same command each time', async () => {
    const t = await testBot({ commands: [ping] });
    expect((await t.say('!ping')).plain).toBe('pong');
    expect((await t.say('!P')).plain).toBe('pong');
    expect((await t.say('!PING')).plain).toBe('pong');
  });

  it('finds a command added after an unknown name was tried', async () => {
    const t = await testBot({ commands: [ping] });
    expect((await t.say('!later')).plain).toMatch(/Unknown command/);
    t.bot.registry.add(defineCommand({ name: 'later', summary: 'Added late', run: () => 'here now' }));
    expect((await t.say('!later')).plain).toBe('here now');
  });
});

describe('direct-only guard', () => {
  const secret = defineCommand({ name: 'secret', summary: 'Direct only', where: 'direct-only', run: () => 'psst' });

  it('runs the command in a direct room and refuses it in a shared one', async () => {
    const t = await testBot({ commands: [secret] });
    expect((await t.say('!secret', { direct: true })).plain).toBe('psst');
    expect((await t.say('!secret', { direct: false })).plain).toBe(
      '!secret works in a direct message only. Send !secret to me in a direct message instead.',
    );
  });

  it('removes a password typed in a shared room and says so', async () => {
    const login = defineCommand({
      name: 'login',
      summary: 'Logs in',
      sensitive: true,
      args: { password: arg.string('your password', { secret: true }) },
      run: () => 'logged in',
    });
    const t = await testBot({ commands: [login] });
    const reply = await t.say('!login hunter2', { direct: false });
    expect(reply.plain).toMatch(/^I removed your message because it contained a password/);
    expect(t.adapter.redacted).toHaveLength(1);
  });
});

describe('context clock', () => {
  it('gives `now` as the bot clock, usable destructured', async () => {
    const when = defineCommand({ name: 'when', summary: 'Clock', run: ({ now }) => `t=${now()}` });
    const t = await testBot({ commands: [when], now: () => 42 });
    expect((await t.say('!when')).plain).toBe('t=42');
  });
});

describe('argument scan', () => {
  const pair = defineCommand({
    name: 'pair',
    summary: 'Two args',
    args: { n: arg.number('a number'), word: arg.string('a word').optional() },
    run: ({ args }) => `n=${args.n} word=${args.word ?? '-'}`,
  });

  it.each([
    ['!pair 3 dice', 'n=3 word=dice'],
    ['!pair -2.5', 'n=-2.5 word=-'],
    ['!pair 0 x', 'n=0 word=x'],
    ['!pair 1_000', 'n=1000 word=-'],
    ['!pair 0x10', 'n=16 word=-'],
    ['!pair word:hi 4', 'n=4 word=hi'],
    ['!pair --word=hi 5', 'n=5 word=hi'],
    ['!pair 6 :colon-first', 'n=6 word=:colon-first'],
    ['!pair 7 a:b', 'n=7 word=a:b'],
  ])('%s answers %s', async (line, expected) => {
    const t = await testBot({ commands: [pair] });
    expect((await t.say(line)).plain).toBe(expected);
  });

  it.each([
    ['!pair "" x', /^n must be a number\./],
    ['!pair abc', /^n must be a number\./],
    ['!pair 3 x y', /^Unexpected argument "y"\./],
    ['!pair nope:1 2', /^n must be a number\./],
  ])('%s is refused with %s', async (line, expected) => {
    const t = await testBot({ commands: [pair] });
    expect((await t.say(line)).plain).toMatch(expected);
  });
});
