import { afterEach, describe, expect, it } from 'vitest';
import { createTestBot, type TestBot } from '../testing/index.js';
import { arg } from './args.js';
import { defineCommand } from './define-command.js';

// The command writer's traps of issue 14, each as it was reproduced.

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

const uptime = defineCommand({
  name: 'uptime',
  summary: 'Uptime of a service',
  args: {
    service: arg.string('the service'),
    days: arg.integer('days back', { min: 1, max: 90 }).default(7),
    verbose: arg.boolean('more detail').optional(),
  },
  run: ({ args }) => `${args.service} ${args.days} ${String(args.verbose ?? false)}`,
});

describe('a command writer', () => {
  it('may destructure every member of the context, methods included', async () => {
    const progress = defineCommand({
      name: 'progress',
      summary: 'Sends progress, then answers',
      run: async ({ args, now, reply, logger, signal, settings }) => {
        await reply('working…');
        logger.debug('still here');
        return `${Object.keys(args).length} ${typeof now()} ${signal.aborted} ${settings.prefix}`;
      },
    });
    bot = await createTestBot({ commands: [progress], now: () => 1_700_000_000_000 });
    const answer = await bot.say('!progress');
    expect(answer.all.map((s) => s.plain)).toEqual(['working…', '0 number false !']);
    expect(answer.error).toBeUndefined();
  });

  it('sees the real error of a handler that throws, not only the apology', async () => {
    const broken = defineCommand({
      name: 'broken',
      summary: 'Throws',
      run: () => {
        throw new TypeError('cannot read properties of undefined (reading "x")');
      },
    });
    bot = await createTestBot({ commands: [broken] });
    const answer = await bot.say('!broken');
    expect(answer.plain).toMatch(/Something went wrong\. \(error id [0-9a-f]{8}\)/);
    expect(answer.error).toBeInstanceOf(TypeError);
    expect((answer.error as Error).message).toContain('reading "x"');
    expect(bot.errors).toHaveLength(1);
  });
});

describe('named options', () => {
  it('take --name value, --name=value and name:value beside positional arguments', async () => {
    bot = await createTestBot({ commands: [uptime] });
    expect((await bot.say('!uptime api --days 3')).plain).toBe('api 3 false');
    expect((await bot.say('!uptime api --days=4')).plain).toBe('api 4 false');
    expect((await bot.say('!uptime days:5 api')).plain).toBe('api 5 false');
    expect((await bot.say('!uptime --verbose api')).plain).toBe('api 7 true');
    expect((await bot.say('!uptime api 2 --verbose=no')).plain).toBe('api 2 false');
  });

  it('validate named values like positional ones and name unknown options', async () => {
    bot = await createTestBot({ commands: [uptime] });
    expect((await bot.say('!uptime api --days 300')).plain).toBe(
      'days must be at most 90.\nUsage: !uptime <service> [days=7] [verbose]',
    );
    expect((await bot.say('!uptime api --weeks 3')).plain).toMatch(
      /^Unknown option --weeks\. Options: --service, --days, --verbose\./,
    );
    expect((await bot.say('!uptime api --days')).plain).toMatch(/^--days needs a value/);
    expect((await bot.say('!uptime api 3 days:4')).plain).toMatch(/^days is given twice\./);
  });

  it('leave quoted tokens and undeclared names positional', async () => {
    const echo = defineCommand({
      name: 'echo',
      summary: 'Echoes',
      args: { text: arg.string('the text') },
      run: ({ args }) => args.text,
    });
    bot = await createTestBot({ commands: [echo] });
    expect((await bot.say('!echo "text:quoted"')).plain).toBe('text:quoted');
    expect((await bot.say('!echo https://example.org')).plain).toBe('https://example.org');
  });

  it('are off for a sensitive command, so a password is never read as an option', async () => {
    const secret = defineCommand({
      name: 'secret',
      summary: 'Takes a password',
      sensitive: true,
      args: { user: arg.string('user'), password: arg.string('password', { secret: true }) },
      run: ({ args }) => `${args.user}/${args.password.length}`,
    });
    bot = await createTestBot({ commands: [secret] });
    // The whole token is the password (16 characters), not an option named password.
    expect((await bot.say('!secret alice password:hunter2')).plain).toMatch(/^alice\/16\n/);
  });
});

describe('help', () => {
  it('shows defaults in the usage line, aliases in the list, and how to name arguments', async () => {
    bot = await createTestBot({ commands: [uptime] });
    const list = (await bot.say('!help')).plain;
    expect(list).toContain('!uptime <service> [days=7] [verbose]');
    expect(list).toContain('(also !start, !commands)');
    const one = (await bot.say('!help uptime')).plain;
    expect(one).toContain('days — days back (default 7)');
    expect(one).toContain('Arguments may also be named: --service value or service:value.');
  });

  it('suggests a command before an alias at the same distance', async () => {
    const stats = defineCommand({ name: 'stats', summary: 'Visitors', run: () => 'stats' });
    bot = await createTestBot({ commands: [stats] });
    expect((await bot.say('!stat')).plain).toBe(
      'Unknown command !stat. Did you mean !stats? Send !help for the list of commands.',
    );
  });
});
