import type { Logger } from 'pino';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { document } from '../document/index.js';
import { createLogger } from '../logging/index.js';
import { StatsError, UpstreamError } from '../errors/index.js';
import type { Session, SessionService } from '../sessions/index.js';
import { createTestBot, type TestBot } from '../testing/index.js';
import { arg } from './args.js';
import { defineCommand } from './define-command.js';

const ping = defineCommand({
  name: 'ping',
  aliases: ['p'],
  summary: 'Answers pong',
  category: 'General',
  run: () => 'pong',
});
const dice = defineCommand({
  name: 'dice',
  summary: 'Rolls dice',
  category: 'Fun',
  args: { count: arg.integer('how many dice', { min: 1, max: 20 }) },
  run: ({ args }) => `rolled ${args.count}`,
});

async function logSink(): Promise<{ logger: Logger; lines: () => string[] }> {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return {
    logger: await createLogger({ level: 'debug', destination: stream }),
    lines: () => chunks.join('').split('\n').filter(Boolean),
  };
}

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describe('dispatch', () => {
  it('answers a command, its alias and its upper-case spelling', async () => {
    bot = await createTestBot({ commands: [ping] });
    expect((await bot.say('!ping')).plain).toBe('pong');
    expect((await bot.say('!P')).plain).toBe('pong');
    expect((await bot.say('!PING', { direct: false })).plain).toBe('pong');
  });

  it('ignores chatter in shared rooms but answers bare words in direct rooms', async () => {
    bot = await createTestBot({ commands: [ping] });
    expect(await bot.sayAll('ping me later', { direct: false })).toHaveLength(0);
    expect((await bot.say('ping')).plain).toBe('pong');
  });

  it('points an unknown command to the closest name and to help', async () => {
    bot = await createTestBot({ commands: [dice] });
    expect((await bot.say('!dcie 2')).plain).toBe(
      'Unknown command !dcie. Did you mean !dice? Send !help for the list of commands.',
    );
    expect((await bot.say('!zzzzzz')).plain).toBe('Unknown command !zzzzzz. Send !help for the list of commands.');
    expect(
      bot.bot.metrics.commands.value({ command: '(unknown)', platform: 'memory', outcome: 'unknown_command' }),
    ).toBe(2);
  });

  it('answers bad arguments with the problem and the usage line', async () => {
    bot = await createTestBot({ commands: [dice] });
    expect((await bot.say('!dice lots')).plain).toBe('count must be a whole number.\nUsage: !dice <count>');
    expect(bot.bot.metrics.commands.value({ command: 'dice', platform: 'memory', outcome: 'bad_args' })).toBe(1);
  });

  it('answers a throwing command with a short error and an id that is in the log, and keeps serving', async () => {
    const sink = await logSink();
    const boom = defineCommand({
      name: 'boom',
      summary: 'Throws',
      run: () => {
        throw new Error('database exploded at 10.0.0.5');
      },
    });
    bot = await createTestBot({ commands: [boom, ping], logger: sink.logger });
    const reply = await bot.say('!boom');
    const id = /error id ([0-9a-f]{8})/.exec(reply.plain)?.[1];
    expect(reply.plain).toMatch(/^Something went wrong\. \(error id [0-9a-f]{8}\)$/);
    expect(reply.plain).not.toContain('10.0.0.5');
    const logged = sink.lines().map((l) => JSON.parse(l) as { errorId?: string; err?: { message: string } });
    expect(logged.find((l) => l.errorId === id)?.err?.message).toBe('database exploded at 10.0.0.5');
    expect((await bot.say('!ping')).plain).toBe('pong');
  });

  it('shows the user message of an upstream error', async () => {
    const down = defineCommand({
      name: 'down',
      summary: 'Upstream down',
      run: async () => {
        throw new UpstreamError(
          'umami',
          503,
          'GET /api/websites 503',
          'Umami answered with an error (503). Try again later.',
          true,
        );
      },
    });
    bot = await createTestBot({ commands: [down] });
    expect((await bot.say('!down')).plain).toMatch(
      /^Umami answered with an error \(503\)\. Try again later\. \(error id [0-9a-f]{8}\)$/,
    );
  });

  it('stops a command at its time budget, aborts its signal and says so', async () => {
    let aborted: unknown;
    const slow = defineCommand({
      name: 'slow',
      summary: 'Never finishes',
      timeoutMs: 50,
      run: (ctx) =>
        new Promise<string>((resolve) => {
          ctx.signal.addEventListener('abort', () => {
            aborted = ctx.signal.reason;
            setTimeout(() => resolve('too late'), 5);
          });
        }),
    });
    bot = await createTestBot({ commands: [slow, ping] });
    const reply = await bot.say('!slow');
    expect(reply.plain).toMatch(/^!slow took longer than 0\.1 s and was stopped\. \(error id [0-9a-f]{8}\)$/);
    expect(aborted).toBeInstanceOf(StatsError);
    expect(bot.bot.metrics.commands.value({ command: 'slow', platform: 'memory', outcome: 'timeout' })).toBe(1);
    expect((await bot.say('!ping')).plain).toBe('pong');
  });

  it('limits how fast one user may run commands, answering the first refusal only', async () => {
    let now = 1_000_000;
    bot = await createTestBot({ commands: [ping], rateLimit: { capacity: 2, refillPerSecond: 1 }, now: () => now });
    expect((await bot.say('!ping')).plain).toBe('pong');
    expect((await bot.say('!ping')).plain).toBe('pong');
    expect((await bot.say('!ping')).plain).toBe('Slow down: try again in 1 s.');
    expect(await bot.sayAll('!ping')).toHaveLength(0);
    expect((await bot.say('!ping', { user: '@bob' })).plain).toBe('pong');
    now += 1000;
    expect((await bot.say('!ping')).plain).toBe('pong');
  });

  it('refuses a direct-only command in a shared room', async () => {
    const secret = defineCommand({ name: 'secret', summary: 'DM only', where: 'direct-only', run: () => 'psst' });
    bot = await createTestBot({ commands: [secret] });
    expect((await bot.say('!secret', { direct: false })).plain).toBe(
      '!secret works in a direct message only. Send !secret to me in a direct message instead.',
    );
    expect((await bot.say('!secret')).plain).toBe('psst');
  });

  it('removes a sensitive message seen in a shared room and never runs the command', async () => {
    let ran = false;
    const login = defineCommand({
      name: 'login',
      summary: 'Logs in',
      where: 'direct-only',
      sensitive: true,
      args: { email: arg.string('e-mail'), password: arg.string('password', { secret: true }) },
      run: () => {
        ran = true;
        return 'ok';
      },
    });
    bot = await createTestBot({ commands: [login] });
    const reply = await bot.say('!login a@example.org hunter2', { direct: false });
    expect(reply.plain).toMatch(/^I removed your message because it contained a password/);
    expect(reply.plain).not.toContain('hunter2');
    expect(bot.adapter.redacted).toHaveLength(1);
    expect(ran).toBe(false);
  });

  it('urges a password change when the message could not be removed', async () => {
    const login = defineCommand({
      name: 'login',
      summary: 'Logs in',
      sensitive: true,
      where: 'direct-only',
      run: () => 'ok',
    });
    bot = await createTestBot({
      commands: [login],
      adapter: { redactResult: { removed: false, reason: 'M_FORBIDDEN' } },
    });
    const reply = await bot.say('!login a@example.org hunter2', { direct: false });
    expect(reply.plain).toMatch(/could not remove your message \(M_FORBIDDEN\).*Change your password now/);
  });

  it('removes a sensitive message in a direct room too and says whether it could', async () => {
    const login = defineCommand({
      name: 'login',
      summary: 'Logs in',
      where: 'direct-only',
      sensitive: true,
      args: { email: arg.string('e-mail').optional(), password: arg.string('password', { secret: true }).optional() },
      run: () => 'logged in',
    });
    bot = await createTestBot({ commands: [login] });
    expect((await bot.say('!login a@example.org hunter2')).plain).toBe(
      'logged in\n\nI removed your message with the password from this chat.',
    );
    expect(bot.adapter.redacted).toHaveLength(1);
    expect((await bot.say('!login')).plain).toBe('logged in');
    expect(bot.adapter.redacted).toHaveLength(1);
    await bot.stop();
    bot = await createTestBot({
      commands: [login],
      adapter: { redactResult: { removed: false, reason: 'M_FORBIDDEN' } },
    });
    expect((await bot.say('!login a@example.org hunter2')).plain).toBe(
      'logged in\n\nPlease delete your message with the password yourself: I could not remove it (M_FORBIDDEN).',
    );
  });

  it('runs session commands only with a session, which it hands to the command', async () => {
    const session: Session = {
      user: { platform: 'memory', id: '@alice' },
      account: { id: 'u1', email: 'alice@example.org' },
      accessToken: 'a',
      refreshToken: 'r',
      createdAt: 0,
      expiresAt: 1,
    };
    const sessions: SessionService = { current: async (user) => (user.id === '@alice' ? session : undefined) };
    const me = defineCommand({
      name: 'me',
      summary: 'Who am I',
      auth: 'session',
      run: ({ session: s }) => s.account.email ?? '?',
    });
    bot = await createTestBot({ commands: [me], sessions });
    const mine = await bot.say('!me');
    expect(mine.plain).toBe('alice@example.org');
    expect(mine.ephemeral).toBe(true);
    expect((await bot.say('!me', { user: '@bob' })).plain).toBe(
      'You are not logged in. Send !login to me in a direct message first.',
    );
  });

  it('sends nothing for an empty answer (platforms reject empty messages)', async () => {
    const quiet = defineCommand({ name: 'quiet', summary: 'Says nothing', run: () => document() });
    const blank = defineCommand({ name: 'blank', summary: 'Says nothing', run: () => '' });
    bot = await createTestBot({ commands: [quiet, blank] });
    expect(await bot.sayAll('!quiet')).toHaveLength(0);
    expect(await bot.sayAll('!blank')).toHaveLength(0);
    expect(bot.bot.metrics.commands.value({ command: 'quiet', platform: 'memory', outcome: 'ok' })).toBe(1);
  });

  it('lets middleware wrap every command', async () => {
    const seen: string[] = [];
    bot = await createTestBot({
      commands: [ping],
      middleware: [
        async (ctx, next) => {
          seen.push(`${ctx.command.name}:${ctx.message.sender.id}`);
          return next();
        },
      ],
    });
    expect((await bot.say('!ping')).plain).toBe('pong');
    expect(seen).toEqual(['ping:@alice']);
  });

  it('sends progress messages before the final answer', async () => {
    const long = defineCommand({
      name: 'long',
      summary: 'Two parts',
      run: async (ctx) => {
        await ctx.reply('working on it…');
        return document().heading('Done').text('all of it');
      },
    });
    bot = await createTestBot({ commands: [long] });
    const all = await bot.sayAll('!long');
    expect(all.map((r) => r.plain)).toEqual(['working on it…', expect.stringContaining('Done')]);
  });
});

describe('help', () => {
  it('lists every visible command with its summary, grouped by category', async () => {
    const hidden = defineCommand({ name: 'hidden', summary: 'Not listed', hidden: true, run: () => 'x' });
    bot = await createTestBot({ commands: [ping, dice, hidden] });
    const text = (await bot.say('!help')).plain;
    expect(text).toContain('!ping — Answers pong');
    expect(text).toContain('!dice <count> — Rolls dice');
    expect(text).toContain('Fun');
    expect(text).not.toContain('hidden');
  });

  it('explains one command: usage, aliases and arguments', async () => {
    bot = await createTestBot({ commands: [ping, dice] });
    const text = (await bot.say('!help dice')).plain;
    expect(text).toContain('Usage: !dice <count>');
    expect(text).toContain('count — how many dice');
    expect((await bot.say('!help !p')).plain).toContain('Aliases: !p');
    expect((await bot.say('!help dcie')).plain).toContain('Did you mean !dice?');
  });
});
