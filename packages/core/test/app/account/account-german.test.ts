import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type RunningAuthServer } from '@stats/test-utils';
import { createAccountCommands, createLoginLimiter } from '../../../src/app/index.js';
import { createAuthServiceClient, createMemorySessionStore, createSessionManager } from '../../../src/index.js';
import { createTestBot } from '../../../src/testing/index.js';
import { captureLogger } from './log-capture.js';

// Issue 15: account replies go through the translating formatter, so a `de` bot answers in German.

const PASSWORD = 'Tr0ub4dor&3-geheim';
let auth: RunningAuthServer;
beforeAll(async () => {
  auth = await startAuthServer();
  auth.addUser({ email: 'bob@example.org', password: PASSWORD, name: 'Bob' });
});
afterAll(() => auth.stop());

describe('account commands of a German bot', () => {
  it('answers login, status, mystats and logout in German', async () => {
    const { logger } = captureLogger();
    const client = createAuthServiceClient({ url: auth.url, logger });
    const manager = createSessionManager({ store: createMemorySessionStore(), providers: [client], logger });
    const commands = createAccountCommands({ manager, credits: client, limiter: createLoginLimiter() });
    const bot = await createTestBot({
      commands,
      sessions: manager,
      logger,
      config: { locale: 'de', timeZone: 'Europe/Berlin' },
    });
    try {
      const login = await bot.say(`!login bob@example.org ${PASSWORD}`);
      expect(login.plain).toContain('Angemeldet als bob@example.org');
      expect(login.plain).toContain('Deine Sitzung gilt bis');
      expect(login.plain).not.toContain('Logged in');

      const status = await bot.say('!status');
      expect(status.plain).toContain('Kontostatus');
      expect(status.plain).toContain('Sitzung endet');
      expect(status.plain).not.toContain('Session ends');

      const mystats = await bot.say('!mystats');
      expect(mystats.plain).toContain('Deine Nutzung, letzte 30 Tage');

      expect((await bot.say('!logout')).plain).toContain('Abgemeldet.');
    } finally {
      await bot.stop();
    }
  });
});
