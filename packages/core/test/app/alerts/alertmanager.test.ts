import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  ALERTMANAGER_WEBHOOK_PATH,
  createAckCommand,
  createAlertmanagerClient,
  createAlertRelay,
  createSilenceCommand,
  type AlertRelay,
} from '@stats/core/app';
import { createNotifier, type Session, type SessionService } from '@stats/core';
import { createTestBot, type SentRecord, type TestBot } from '@stats/core/testing';
import { startAlertmanager, type RunningAlertmanager } from '@stats/test-utils';

const TOKEN = 'alertmanager-webhook-token-0123456789';
const OPS = { platform: 'matrix', roomId: '!ops:example.org' };

/** Logged in as alice: the session port, answering for her only. */
const sessions: SessionService = {
  current: async (user) =>
    user.id === '@alice:example.org'
      ? ({
          user,
          account: { id: 'u-1', email: 'alice@example.org' },
          accessToken: 'a',
          refreshToken: 'r',
          createdAt: 0,
          expiresAt: Date.now() + 86_400_000,
        } satisfies Session)
      : undefined,
};

let test: TestBot;
let relay: AlertRelay;
let am: RunningAlertmanager;
const sent: SentRecord[] = [];
let sentWaiters: (() => void)[] = [];

beforeAll(async () => {
  // the commands need the Alertmanager URL, the Alertmanager config needs the bot URL: late-bind the client
  let amUrl = '';
  const client = {
    createSilence: (...a: Parameters<ReturnType<typeof createAlertmanagerClient>['createSilence']>) =>
      createAlertmanagerClient({ url: amUrl }).createSilence(...a),
    alerts: (...a: Parameters<ReturnType<typeof createAlertmanagerClient>['alerts']>) =>
      createAlertmanagerClient({ url: amUrl }).alerts(...a),
  };
  let store: AlertRelay['store'] | undefined;
  const lazyStore: AlertRelay['store'] = {
    get: (k) => store!.get(k),
    set: (k, s) => store!.set(k, s),
    delete: (k) => store!.delete(k),
    lastInRoom: (r) => store!.lastInRoom(r),
  };
  test = await createTestBot({
    commands: [createSilenceCommand(client), createAckCommand(client, lazyStore)],
    sessions,
    http: { port: 0, host: '127.0.0.1' },
    adapter: {
      platform: 'matrix',
      onSend: (r) => {
        sent.push(r);
        for (const w of sentWaiters) w();
        sentWaiters = [];
      },
    },
  });
  const http = test.bot.http;
  if (!http) throw new Error('the bot has no HTTP server');
  relay = createAlertRelay({
    adapters: [test.adapter],
    notifier: createNotifier({ adapters: [test.adapter] }),
    token: TOKEN,
    defaultTargets: [OPS],
    metrics: test.bot.metrics,
  });
  store = relay.store;
  relay.register(http);
  am = await startAlertmanager({ webhookUrl: `${http.url}${ALERTMANAGER_WEBHOOK_PATH}`, webhookToken: TOKEN });
  amUrl = am.url;
});

afterAll(async () => {
  await am?.stop();
  await test?.stop();
});

async function nextSend(count: number): Promise<SentRecord[]> {
  while (sent.filter((s) => s.room.id === OPS.roomId).length < count)
    await new Promise<void>((r) => sentWaiters.push(r));
  return sent.filter((s) => s.room.id === OPS.roomId);
}

describe('Alertmanager relay (real Alertmanager)', () => {
  const alert = {
    labels: { alertname: 'HighLatency', severity: 'critical', instance: 'web-1', job: 'api' },
    annotations: { summary: 'p99 latency above 2 s', description: 'web-1 answers slowly <script>' },
    generatorURL: 'http://prometheus.example/graph?g0.expr=latency',
  };

  it('posts a firing alert, then edits the message when it resolves', async () => {
    await am.postAlerts([{ ...alert, startsAt: new Date(Date.now() - 60_000).toISOString() }]);
    const [firing] = await nextSend(1);
    expect(firing?.plain).toMatch(/FIRING: HighLatency/);
    expect(firing?.plain).toMatch(/p99 latency above 2 s/);
    expect(firing?.plain).toMatch(/critical/);
    expect(firing?.plain).toMatch(/instance=web-1/);

    await am.postAlerts([
      {
        ...alert,
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() - 1000).toISOString(),
      },
    ]);
    await vi.waitFor(() => expect(test.adapter.edits).toHaveLength(1), { timeout: 15_000, interval: 50 });
    await relay.settled();
    const edit = test.adapter.edits[0];
    expect(edit?.sent.id).toBe(firing?.id);
    expect(JSON.stringify(edit?.document)).toMatch(/RESOLVED: HighLatency/);
    expect(sent.filter((s) => s.room.id === OPS.roomId)).toHaveLength(1);
  });

  it('creates a real silence as the logged-in user with !silence', async () => {
    const reply = await test.say('!silence HighLatency 2h deploying the fix', {
      user: '@alice:example.org',
      direct: false,
      room: OPS.roomId,
    });
    expect(reply.plain).toMatch(/Silenced HighLatency/);
    const silences = await am.silences();
    const mine = silences.find((s) => s.comment === 'deploying the fix');
    expect(mine).toMatchObject({ createdBy: 'alice@example.org', status: { state: 'active' } });
    expect(mine?.matchers).toEqual([
      expect.objectContaining({ name: 'alertname', value: 'HighLatency', isRegex: false }),
    ]);
    expect(Date.parse(mine?.endsAt ?? '') - Date.parse(mine?.startsAt ?? '')).toBeGreaterThan(7_100_000);
  });

  it("acknowledges the alert named, as a short silence in the user's name", async () => {
    const reply = await test.say('!ack DiskFull looking into it', {
      user: '@alice:example.org',
      direct: false,
      room: OPS.roomId,
    });
    expect(reply.plain).toMatch(/Acknowledged DiskFull/);
    const ack = (await am.silences()).find((s) => s.comment === 'ACK: looking into it');
    expect(ack).toMatchObject({ createdBy: 'alice@example.org' });
  });

  it('acknowledges the last firing group posted in the room when no alert is named', async () => {
    await am.postAlerts([
      {
        labels: { alertname: 'QueueBacklog', severity: 'warning', queue: 'mail' },
        annotations: { summary: 'mail queue grows' },
      },
    ]);
    await vi.waitFor(() => expect(sent.some((s) => s.plain.includes('FIRING: QueueBacklog'))).toBe(true), {
      timeout: 15_000,
      interval: 50,
    });
    await relay.settled();
    const reply = await test.say('!ack', { user: '@alice:example.org', direct: false, room: OPS.roomId });
    expect(reply.plain).toMatch(/Acknowledged QueueBacklog/);
    const ack = (await am.silences()).find((s) =>
      s.matchers.some((m) => m.name === 'alertname' && m.value === 'QueueBacklog'),
    );
    expect(ack?.createdBy).toBe('alice@example.org');
    expect(ack?.matchers.map((m) => `${m.name}=${m.value}`).sort()).toEqual([
      'alertname=QueueBacklog',
      'queue=mail',
      'severity=warning',
    ]);
  });

  it('refuses !silence to a user who is not logged in', async () => {
    const before = (await am.silences()).length;
    const reply = await test.say('!silence HighLatency 1h', {
      user: '@mallory:example.org',
      direct: false,
      room: OPS.roomId,
    });
    expect(reply.plain).toMatch(/log ?in/i);
    expect(await am.silences()).toHaveLength(before);
  });

  it('answers a webhook with a wrong token 401 and sends nothing', async () => {
    const http = test.bot.http;
    if (!http) throw new Error('no http');
    const before = test.adapter.sent.length;
    const payload = {
      version: '4',
      groupKey: 'x',
      status: 'firing',
      receiver: 'stats',
      alerts: [{ status: 'firing', labels: { alertname: 'Fake' }, startsAt: new Date().toISOString() }],
    };
    const wrong = await fetch(`${http.url}${ALERTMANAGER_WEBHOOK_PATH}`, {
      method: 'POST',
      headers: { authorization: 'Bearer not-the-token-at-all-000', 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    const missing = await fetch(`${http.url}${ALERTMANAGER_WEBHOOK_PATH}`, {
      method: 'POST',
      body: JSON.stringify(payload),
    });
    expect([wrong.status, missing.status]).toEqual([401, 401]);
    await relay.settled();
    expect(test.adapter.sent.length).toBe(before);
    const metrics = await test.bot.metrics.registry.getSingleMetricAsString('stats_webhook_rejected_total');
    expect(metrics).toMatch(/source="alertmanager",reason="bad_token"} 1/);
    expect(metrics).toMatch(/source="alertmanager",reason="missing_token"} 1/);
  });
});
