import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createAckCommand,
  createAlertmanagerClient,
  createMemoryAlertMessageStore,
  createSilenceCommand,
  loadConfig,
} from '@stats/core/app';
import { type Session, type SessionService } from '@stats/core';
import { createTestBot, type TestBot } from '@stats/core/testing';
import { startAlertmanager, type RunningAlertmanager } from '@stats/test-utils';

/** alice and bob are logged in; only alice (by e-mail) and bob's chat user by id are allowed below. */
const accounts: Record<string, Session['account']> = {
  '@alice:example.org': { id: 'u-alice', email: 'Alice@Example.org' },
  '@bob:example.org': { id: 'u-bob', email: 'bob@example.org' },
  '@mallory:example.org': { id: 'u-mallory', email: 'mallory@example.org' },
};
const sessions: SessionService = {
  current: async (user) => {
    const account = accounts[user.id];
    return account === undefined
      ? undefined
      : { user, account, accessToken: 'a', refreshToken: 'r', createdAt: 0, expiresAt: Date.now() + 86_400_000 };
  },
};

let am: RunningAlertmanager;
let bot: TestBot;
const ROOM = '!ops:example.org';

beforeAll(async () => {
  // Nothing is posted to the webhook here: only silences are created.
  am = await startAlertmanager({
    webhookUrl: 'http://127.0.0.1:9/unused',
    webhookToken: 'unused-webhook-token-0123456789',
  });
  const client = createAlertmanagerClient({ url: am.url });
  const config = loadConfig({
    ALERTMANAGER_URL: am.url,
    ALERT_SILENCE_ALLOWED: 'alice@example.org, matrix:@bob:example.org',
    SILENCE_MAX_DURATION: '12h',
  });
  const policy = { allowed: config.alertmanager?.silenceAllowed, maxDurationMs: config.alertmanager?.silenceMaxMs };
  bot = await createTestBot({
    commands: [
      createSilenceCommand(client, policy),
      createAckCommand(client, createMemoryAlertMessageStore(), 86_400_000, policy),
    ],
    sessions,
    adapter: { platform: 'matrix' },
  });
});
afterAll(async () => {
  await bot?.stop();
  await am?.stop();
});

const say = (text: string, user: string): Promise<string> =>
  bot.say(text, { user, direct: false, room: ROOM }).then((r) => r.plain);

describe('who may silence, and for how long (real Alertmanager)', () => {
  it('refuses !silence and !ack to a logged-in user not in ALERT_SILENCE_ALLOWED, creating nothing', async () => {
    const before = (await am.silences()).length;
    expect(await say('!silence HighLatency 1h', '@mallory:example.org')).toMatch(
      /may not silence or acknowledge alerts.*ALERT_SILENCE_ALLOWED/,
    );
    expect(await say('!ack HighLatency', '@mallory:example.org')).toMatch(/may not silence or acknowledge alerts/);
    expect(await am.silences()).toHaveLength(before);
  });

  it('lets an allowed account (e-mail, any case) and an allowed chat user silence', async () => {
    expect(await say('!silence DiskFull 2h by alice', '@alice:example.org')).toMatch(/Silenced DiskFull/);
    expect(await say('!silence DiskFull 3h by bob', '@bob:example.org')).toMatch(/Silenced DiskFull/);
    const comments = (await am.silences()).map((s) => s.comment);
    expect(comments).toEqual(expect.arrayContaining(['by alice', 'by bob']));
  });

  it('refuses a silence longer than SILENCE_MAX_DURATION with the maximum in the answer', async () => {
    const before = (await am.silences()).length;
    expect(await say('!silence DiskFull 90d', '@alice:example.org')).toMatch(/at most 12 h/);
    expect(await say('!silence DiskFull 13h', '@alice:example.org')).toMatch(/at most 12 h/);
    expect(await am.silences()).toHaveLength(before);
    expect(await say('!silence DiskFull 12h at the limit', '@alice:example.org')).toMatch(/Silenced DiskFull/);
    const made = (await am.silences()).find((s) => s.comment === 'at the limit');
    expect(Date.parse(made?.endsAt ?? '') - Date.parse(made?.startsAt ?? '')).toBeLessThanOrEqual(
      12 * 3_600_000 + 1000,
    );
  });

  it('caps an acknowledgement at the maximum duration', async () => {
    expect(await say('!ack QueueBacklog capped', '@bob:example.org')).toMatch(/Acknowledged QueueBacklog/);
    const ack = (await am.silences()).find((s) => s.comment === 'ACK: capped');
    expect(Date.parse(ack?.endsAt ?? '') - Date.parse(ack?.startsAt ?? '')).toBeLessThanOrEqual(12 * 3_600_000 + 1000);
  });
});
