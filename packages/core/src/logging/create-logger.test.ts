import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { arg, defineCommand } from '../commands/index.js';
import { createTestBot } from '../testing/index.js';
import { createLogger } from './create-logger.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

describe('createLogger', () => {
  it('redacts passwords, tokens and Authorization headers by key', async () => {
    const out = sink();
    const logger = await createLogger({ level: 'info', destination: out.stream });
    logger.info(
      {
        password: 'hunter2',
        session: { accessToken: 'eyJhbGci.secret', refreshToken: 'r-secret' },
        request: { headers: { authorization: 'Bearer t0ken' } },
      },
      'login',
    );
    const line = out.text();
    expect(line).toContain('[redacted]');
    for (const secret of ['hunter2', 'eyJhbGci.secret', 'r-secret', 't0ken']) expect(line).not.toContain(secret);
  });

  it('never logs a login password, even when the login command fails', async () => {
    const out = sink();
    const logger = await createLogger({ level: 'trace', destination: out.stream });
    const login = defineCommand({
      name: 'login',
      summary: 'Logs in',
      where: 'direct-only',
      sensitive: true,
      args: { email: arg.string('e-mail'), password: arg.string('password', { secret: true }) },
      run: () => {
        throw new Error('auth service exploded');
      },
    });
    const bot = await createTestBot({ commands: [login], logger });
    await bot.say('!login alice@example.org correct-horse-battery');
    await bot.say('!login alice@example.org correct-horse-battery', { direct: false });
    await bot.stop();
    expect(out.text()).toContain('auth service exploded');
    expect(out.text()).not.toContain('correct-horse-battery');
  });
});
