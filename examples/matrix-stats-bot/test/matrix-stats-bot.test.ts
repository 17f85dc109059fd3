import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createBotRoom,
  startMatrixHomeserver,
  waitForBotJoin,
  type MatrixHomeserver,
  type MatrixHuman,
  type RunningBot,
} from '@stats/test-utils';
import { startMatrixStatsBot } from './bot-process.js';

let hs: MatrixHomeserver;
let dataDir: string;
let bot: RunningBot | undefined;
let alice: MatrixHuman;
let room: string;

const body = (event: Record<string, unknown>): string => String((event['content'] as { body?: unknown }).body);

function env(extra: Record<string, string> = {}): Record<string, string> {
  return { MATRIX_HOMESERVER_URL: hs.url, MATRIX_ACCESS_TOKEN: hs.bot.token, DATA_DIR: dataDir, ...extra };
}

beforeEach(async () => {
  hs = await startMatrixHomeserver();
  dataDir = mkdtempSync(join(tmpdir(), 'matrix-stats-bot-'));
  alice = hs.human('alice', 'Alice');
  room = createBotRoom(hs, { owner: alice, name: 'ops', members: [hs.human('bob', 'Bob')] }).roomId;
});

afterEach(async () => {
  if (bot) await bot.terminate('SIGKILL');
  bot = undefined;
  await hs.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('examples/matrix-stats-bot', { timeout: 120_000 }, () => {
  it('answers !help, points unknown commands to help, and serves /health and /metrics', async () => {
    bot = await startMatrixStatsBot(env());
    const help = await hs.waitForReply(alice.say(room, '!help'));
    for (const name of ['!help', '!login', '!logout', '!status', '!mystats']) expect(body(help)).toContain(name);
    const unknown = await hs.waitForReply(alice.say(room, '!stast'));
    expect(body(unknown)).toMatch(/!help/);
    const health = await fetch(`${bot.url}/health`);
    expect(health.status).toBe(200);
    expect((await fetch(`${bot.url}/health/ready`)).status).toBe(200);
    const metrics = await (await fetch(`${bot.url}/metrics`)).text();
    expect(metrics).toMatch(/stats_commands_total\{[^}]*command="help"/);
    expect(metrics).toMatch(/stats_adapter_ready\{platform="matrix"\} 1/);
  });

  it('removes or warns about a !login in a group room and never logs the password', async () => {
    bot = await startMatrixStatsBot(env());
    const secret = alice.say(room, '!login alice@example.org hunter2-secret');
    const warning = await hs.waitForReply(secret);
    expect(body(warning)).toMatch(/could not remove your message \(M_FORBIDDEN\)/);
    expect(body(warning)).not.toContain('hunter2');
    expect(JSON.stringify(bot.logs)).not.toContain('hunter2');
  });

  it('finishes and exits within 10 s of SIGTERM, and after a restart answers what came meanwhile, once', async () => {
    bot = await startMatrixStatsBot(env());
    const first = alice.say(room, '!help');
    await hs.waitForReply(first);
    const stopped = await bot.terminate('SIGTERM');
    bot = undefined;
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(10_000);
    const whileDown = [alice.say(room, '!help'), alice.say(room, '!nosuchcommand')];
    bot = await startMatrixStatsBot(env());
    for (const id of whileDown) await hs.waitForReply(id);
    await hs.waitForReply(alice.say(room, '!help'));
    const replies = hs.botEvents(room).filter((e) => e['type'] === 'm.room.message');
    expect(replies).toHaveLength(4);
  });

  it('exits with a clear message when the access token is wrong', async () => {
    const failure = await startMatrixStatsBot(env({ MATRIX_ACCESS_TOKEN: 'syt_not_valid' })).then(
      () => undefined,
      (err: unknown) => String(err),
    );
    expect(failure).toMatch(/MATRIX_ACCESS_TOKEN/);
    expect(failure).not.toContain('syt_not_valid');
  });

  it('refuses to start without the Matrix variables and names them', async () => {
    const failure = await startMatrixStatsBot({ DATA_DIR: dataDir, MATRIX_HOMESERVER_URL: 'not a url' }).then(
      () => undefined,
      (err: unknown) => String(err),
    );
    expect(failure).toMatch(/MATRIX_HOMESERVER_URL/);
  });
});

describe('examples/matrix-stats-bot with the auth service', { timeout: 120_000 }, () => {
  it('logs in from a DM, shows the account and balance, keeps the session across a restart, and sends no password from a group room', async () => {
    const { startAuthServer } = await import('@stats/test-utils');
    const auth = await startAuthServer();
    try {
      auth.addUser({ email: 'alice@example.org', password: 'correct horse battery', name: 'Alice' });
      auth.setBalance('alice@example.org', {
        balance: 1234,
        freeCreditsRemaining: 5,
        totalEarned: 2000,
        totalSpent: 766,
      });
      const withAuth = env({ AUTH_URL: auth.url, SESSION_SECRET: 'a-test-secret-of-at-least-32-characters!' });
      bot = await startMatrixStatsBot(withAuth);
      const leaked = alice.say(room, '!login alice@example.org group-room-password');
      expect(body(await hs.waitForReply(leaked))).toMatch(/password/i);
      expect(auth.receivedPasswords).not.toContain('group-room-password');

      const dm = createBotRoom(hs, { owner: alice, direct: true }).roomId;
      await waitForBotJoin(hs, dm);
      const login = await hs.waitForReply(alice.say(dm, '!login alice@example.org "correct horse battery"'));
      expect(body(login)).not.toContain('correct horse battery');
      const status = await hs.waitForReply(alice.say(dm, '!status'));
      expect(body(status)).toContain('alice@example.org');
      expect(body(status)).toMatch(/1[,.]?234/);

      await bot.terminate('SIGTERM');
      bot = await startMatrixStatsBot(withAuth);
      const again = await hs.waitForReply(alice.say(dm, '!status'));
      expect(body(again)).toContain('alice@example.org');
      expect(JSON.stringify(bot.logs)).not.toContain('correct horse');
    } finally {
      await auth.stop();
    }
  });
});

describe('examples/matrix-stats-bot as two replicas sharing Redis', { timeout: 120_000 }, () => {
  it('answers each command once, the other replica dropping it as claimed', async () => {
    const shared = {
      REDIS_URL: process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `stats-e2e-${process.pid}-${Date.now()}:`,
    };
    const secondDir = mkdtempSync(join(tmpdir(), 'matrix-stats-bot-b-'));
    bot = await startMatrixStatsBot(env(shared));
    const second = await startMatrixStatsBot({ ...env(shared), DATA_DIR: secondDir }).catch((err: unknown) => {
      throw new Error(
        `${String(err)}\n(is Redis running at ${shared.REDIS_URL}? apt-get install redis-server; service redis-server start)`,
      );
    });
    try {
      const people = Array.from({ length: 5 }, (_, i) => {
        const person = hs.human(`replica${i}`);
        alice.invite(room, person.userId);
        person.join(room);
        return person;
      });
      const asked = people.flatMap((person) => [person.say(room, '!help'), person.say(room, '!nosuch')]);
      for (const id of asked) await hs.waitForReply(id);
      const dropped = async (url: string): Promise<number> => {
        const text = await (await fetch(`${url}/metrics`)).text();
        return Number(
          /stats_messages_dropped_total\{platform="matrix",reason="claimed_elsewhere"\} (\d+)/.exec(text)?.[1] ?? 0,
        );
      };
      // The replica that lost a claim has no event to await: read its counter until it has seen all.
      let claimedElsewhere = 0;
      for (let attempt = 0; attempt < 100 && claimedElsewhere < asked.length; attempt += 1) {
        claimedElsewhere = (await dropped(bot.url)) + (await dropped(second.url));
        if (claimedElsewhere < asked.length) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(claimedElsewhere).toBe(asked.length);
      expect(hs.botEvents(room).filter((e) => e['type'] === 'm.room.message')).toHaveLength(asked.length);
    } finally {
      await second.terminate('SIGKILL');
      rmSync(secondDir, { recursive: true, force: true });
    }
  });
});

describe('examples/matrix-stats-bot relaying Alertmanager', { timeout: 120_000 }, () => {
  it('posts a firing alert into the report room and edits it in place when resolved', async () => {
    const token = 'alertmanager-webhook-token-123';
    bot = await startMatrixStatsBot(env({ MATRIX_REPORT_ROOM_ID: room, ALERTMANAGER_WEBHOOK_TOKEN: token }));
    await waitForBotJoin(hs, room);
    const payload = (status: 'firing' | 'resolved'): string =>
      JSON.stringify({
        version: '4',
        groupKey: '{}:{alertname="DiskFull"}',
        status,
        receiver: 'stats',
        groupLabels: { alertname: 'DiskFull' },
        commonLabels: { alertname: 'DiskFull', severity: 'critical' },
        commonAnnotations: { summary: 'Disk <b>/</b> is 97% full' },
        alerts: [
          {
            status,
            labels: { alertname: 'DiskFull', instance: 'host-1' },
            annotations: { summary: 'Disk <b>/</b> is 97% full' },
            startsAt: '2026-11-26T08:00:00Z',
            ...(status === 'resolved' ? { endsAt: '2026-11-26T08:30:00Z' } : {}),
            fingerprint: 'f1',
          },
        ],
      });
    const post = (body: string, bearer = token): Promise<Response> =>
      fetch(`${bot?.url ?? ''}/webhooks/alertmanager`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body,
      });
    expect((await post(payload('firing'), 'wrong-token-wrong-token')).status).toBe(401);
    expect((await post(payload('firing'))).status).toBeLessThan(300);
    const firing = await hs.waitFor((e) => e['room_id'] === room && body(e).includes('DiskFull'), {
      what: 'firing alert',
    });
    expect(String((firing['content'] as { formatted_body?: string }).formatted_body)).not.toContain('<b>/</b>');
    expect((await post(payload('resolved'))).status).toBeLessThan(300);
    const edit = await hs.waitFor(
      (e) =>
        (e['content'] as { 'm.relates_to'?: { rel_type?: string; event_id?: string } })['m.relates_to']?.event_id ===
        firing['event_id'],
      { what: 'edit of the alert' },
    );
    expect((edit['content'] as { 'm.relates_to': { rel_type: string } })['m.relates_to'].rel_type).toBe('m.replace');
    expect(JSON.stringify((edit['content'] as { 'm.new_content': unknown })['m.new_content'])).toMatch(/resolved/i);
  });
});

describe('examples/matrix-stats-bot stopping with a reply in flight', { timeout: 120_000 }, () => {
  it('finishes the reply after SIGTERM, then exits with 0', async () => {
    const { startUmami } = await import('@stats/test-utils');
    const umami = await startUmami({ version: 'v3' });
    try {
      bot = await startMatrixStatsBot(
        env({ UMAMI_API_URL: umami.url, UMAMI_USERNAME: 'admin', UMAMI_PASSWORD: 'secret' }),
      );
      umami.fault('websites', { delayMs: 2_000 });
      const asked = alice.say(room, '!stats');
      await hs.waitForTyping((t) => t.typing && t.roomId === room); // the command is running
      const stopping = bot.terminate('SIGTERM');
      const reply = await hs.waitForReply(asked);
      expect(String((reply['content'] as { body?: unknown }).body)).toContain('Analytics');
      const exit = await stopping;
      bot = undefined;
      expect(exit.code).toBe(0);
      expect(exit.ms).toBeLessThan(10_000);
    } finally {
      await umami.stop();
    }
  });
});
