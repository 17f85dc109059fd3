import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage as HttpRequest } from 'node:http';
import type { Logger } from 'pino';
import type { ChatAdapter, HttpHandler, HttpRefusal, HttpRoute, HttpRoutes, SentMessage } from '../../chat/index.js';
import type { Metrics } from '../../metrics/index.js';
import type { Notifier, ReportTarget } from '../../schedule/index.js';
import { createMemoryAlertMessageStore, type AlertMessageStore } from './alert-messages.js';
import { renderAlertGroup } from './render-alerts.js';
import { webhookPayloadSchema, type WebhookPayload } from './webhook-payload.js';

/** Sends alerts of a receiver, or with given labels, to rooms. */
export interface AlertRoute {
  /** Matches the notification's `receiver` (the Alertmanager receiver name). */
  readonly receiver?: string;
  /** Matches when each label equals the group's common label. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly targets: readonly ReportTarget[];
}

/** Options of {@link createAlertRelay}. */
export interface AlertRelayOptions {
  readonly adapters: readonly ChatAdapter[];
  /** Sends new alert messages (rate limits, retries, idempotency). */
  readonly notifier: Notifier;
  /** `ALERTMANAGER_WEBHOOK_TOKEN`: the bearer token Alertmanager sends. */
  readonly token: string;
  /** The first matching route wins; none matching: `defaultTargets`. */
  readonly routes?: readonly AlertRoute[];
  readonly defaultTargets: readonly ReportTarget[];
  /** Remembers posted groups to edit them on resolution (default in memory). */
  readonly store?: AlertMessageStore;
  readonly timeZone?: string;
  readonly locale?: string;
  readonly metrics?: Metrics;
  readonly logger?: Logger;
}

/** The Alertmanager webhook relay. */
export interface AlertRelay {
  /** The handler of `POST /webhooks/alertmanager` (it checks the token too). */
  readonly handler: HttpHandler;
  /** The route: the token checked from the headers before the body is read, bodies up to {@link ALERTMANAGER_MAX_BODY_BYTES}. */
  readonly route: HttpRoute;
  /** Registers the route on the bot's HTTP server. */
  register(http: HttpRoutes): void;
  /** Posts (or edits) one notification's messages; the handler calls it after answering 200. */
  relay(payload: WebhookPayload): Promise<void>;
  /** Resolves when every notification received so far is relayed. */
  settled(): Promise<void>;
  /** What the relay remembers of posted groups. */
  readonly store: AlertMessageStore;
}

/** The webhook path. */
export const ALERTMANAGER_WEBHOOK_PATH = '/webhooks/alertmanager';

/** The largest Alertmanager notification accepted, bytes (its payloads are a few KiB). */
export const ALERTMANAGER_MAX_BODY_BYTES = 256 * 1024;

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** Compares a presented bearer token with the expected one in constant time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = /^Bearer\s+(.+)$/i.exec(header ?? '')?.[1]?.trim() ?? '';
  return timingSafeEqual(digest(presented), digest(token)) && presented.length > 0;
}

const roomKey = (t: { platform: string; roomId: string }): string => `${t.platform}|${t.roomId}`;

/**
 * Creates the relay of Alertmanager notifications into chat rooms. The handler checks the
 * bearer token (constant-time; a wrong or missing one gets 401 and counts in
 * `stats_webhook_rejected_total`), validates payload version 4, answers 200 and then posts
 * the group to the routed rooms. When a group resolves, the message is edited where the
 * platform allows it (Matrix `m.replace`, Telegram `editMessageText`, Discord edit), else a
 * new message says so. A new firing alert in a group gets a new message.
 *
 * @example
 * const relay = createAlertRelay({ adapters, notifier, token: 'a-long-random-webhook-token', defaultTargets: targets });
 * const bot = createBot({ adapters, http: { port: 3312 } });
 * await bot.start();
 * if (bot.http) relay.register(bot.http);
 */
export function createAlertRelay(options: AlertRelayOptions): AlertRelay {
  if (options.token.length < 16) throw new TypeError('The Alertmanager webhook token must be at least 16 characters');
  const adapters = new Map(options.adapters.map((a) => [a.platform, a]));
  const store = options.store ?? createMemoryAlertMessageStore();
  const logger = options.logger?.child({ component: 'alerts' });
  const inFlight = new Set<Promise<void>>();
  // notifications of one group are relayed in order
  const chains = new Map<string, Promise<void>>();

  const reject = (reason: string): void => {
    options.metrics?.webhookRejected.inc({ source: 'alertmanager', reason });
  };

  function route(payload: WebhookPayload): readonly ReportTarget[] {
    for (const r of options.routes ?? []) {
      if (r.receiver !== undefined && r.receiver !== payload.receiver) continue;
      if (r.labels && !Object.entries(r.labels).every(([k, v]) => payload.commonLabels[k] === v)) continue;
      return r.targets;
    }
    return options.defaultTargets;
  }

  async function relay(payload: WebhookPayload): Promise<void> {
    const targets = route(payload);
    const doc = renderAlertGroup(payload, {
      timeZone: options.timeZone ?? 'Europe/Berlin',
      ...(options.locale ? { locale: options.locale } : {}),
    });
    const previous = await store.get(payload.groupKey);
    const firing = payload.alerts.filter((a) => a.status === 'firing').map((a) => a.fingerprint);
    const newlyFiring = firing.some((f) => !(previous?.firing ?? []).includes(f));
    const messages: Record<string, readonly SentMessage[]> = { ...(previous?.messages ?? {}) };
    const toSend: ReportTarget[] = [];
    for (const target of targets) {
      const sent = previous?.messages[roomKey(target)];
      const adapter = adapters.get(target.platform);
      const first = sent?.[0];
      if (!newlyFiring && first && adapter?.edit && adapter.capabilities.edit) {
        try {
          await adapter.edit(first, doc);
          options.metrics?.deliveries.inc({ platform: target.platform, outcome: 'edited' });
          continue;
        } catch (err) {
          logger?.warn(
            { err, platform: target.platform, room: target.roomId },
            'editing the alert message failed; sending a new one',
          );
        }
      }
      toSend.push(target);
    }
    if (toSend.length > 0) {
      const state = `${payload.status}:${payload.alerts
        .map((a) => `${a.fingerprint}=${a.status}`)
        .sort()
        .join(',')}`;
      const outcomes = await options.notifier.deliver({
        id: `alert:${payload.groupKey}`,
        period: createHash('sha256').update(state).digest('hex').slice(0, 24),
        document: doc,
        targets: toSend,
      });
      for (const o of outcomes) if (o.sent.length > 0) messages[roomKey(o.target)] = o.sent;
    }
    if (firing.length === 0) {
      await store.delete(payload.groupKey);
    } else {
      await store.set(payload.groupKey, {
        messages,
        firing: [...new Set([...(previous?.firing ?? []), ...firing])],
        commonLabels: payload.commonLabels,
      });
    }
    logger?.info(
      { receiver: payload.receiver, status: payload.status, alerts: payload.alerts.length, rooms: targets.length },
      'alert notification relayed',
    );
  }

  // Runs on the headers alone: the server refuses before reading a body.
  const authorize = (request: HttpRequest): HttpRefusal | undefined => {
    if (bearerMatches(request.headers.authorization, options.token)) return undefined;
    const reason = request.headers.authorization ? 'bad_token' : 'missing_token';
    reject(reason);
    logger?.warn({ reason }, 'Alertmanager webhook refused');
    return { status: 401, headers: { 'www-authenticate': 'Bearer' }, body: '{"error":"unauthorized"}' };
  };

  const handler: HttpHandler = (request, response, body) => {
    const denied = authorize(request);
    if (denied !== undefined) {
      response.writeHead(denied.status, { 'content-type': 'application/json', ...denied.headers }).end(denied.body);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(body.toString('utf8'));
    } catch {
      json = undefined;
    }
    const parsed = webhookPayloadSchema.safeParse(json);
    if (!parsed.success) {
      reject('bad_payload');
      response
        .writeHead(400, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: parsed.error.issues[0]?.message ?? 'bad payload' }));
      return;
    }
    const payload = parsed.data;
    const before = chains.get(payload.groupKey) ?? Promise.resolve();
    const work: Promise<void> = before
      .then(() => relay(payload))
      .catch((err: unknown) =>
        logger?.error({ err, receiver: payload.receiver }, 'relaying an alert notification failed'),
      )
      .finally(() => {
        inFlight.delete(work);
        if (chains.get(payload.groupKey) === work) chains.delete(payload.groupKey);
      });
    inFlight.add(work);
    chains.set(payload.groupKey, work);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"accepted"}');
  };

  const webhookRoute: HttpRoute = { handle: handler, authorize, maxBodyBytes: ALERTMANAGER_MAX_BODY_BYTES };
  return {
    handler,
    route: webhookRoute,
    register: (http) => http.route('POST', ALERTMANAGER_WEBHOOK_PATH, webhookRoute),
    relay,
    store,
    async settled() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
