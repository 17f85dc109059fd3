import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answer, type ApiContext } from './client-api.js';
import { faultBody, takeFault, type ActiveFault, type MatrixFault } from './faults.js';
import { HomeserverState, type StoredEvent, type TypingNotice } from './homeserver-state.js';
import { createHuman, type MatrixHuman } from './human-user.js';
import { clientEvent } from './sync-response.js';
import { waitUntil } from '../wait-until.js';

/** Options of {@link startMatrixHomeserver}. */
export interface MatrixHomeserverOptions {
  /** The server name in ids (default `stats.test`). */
  readonly serverName?: string;
  /** The bot account's localpart (default `stats`) and display name (default `Stats`). */
  readonly botLocalpart?: string;
  readonly botDisplayName?: string;
  /** Synapse's `rc_message`: a burst, then `perSecond` actions; unset = no limit. */
  readonly rateLimit?: { readonly burst: number; readonly perSecond: number };
  /** Largest accepted event in bytes (default 65,536). */
  readonly maxEventBytes?: number;
}

/** One request the stand-in received. */
export interface RecordedRequest {
  readonly method: string;
  /** The path after `/_matrix`, still URL-encoded. */
  readonly path: string;
  readonly status: number;
}

/** A running homeserver stand-in. */
export interface MatrixHomeserver {
  /** The base URL to give matrix-bot-sdk as the homeserver URL. */
  readonly url: string;
  readonly serverName: string;
  /** The bot's account. */
  readonly bot: { readonly userId: string; readonly token: string };
  /** The rooms, events and users (read it in assertions). */
  readonly state: HomeserverState;
  /** Every request, in order. */
  readonly requests: RecordedRequest[];
  /** Registers a human user (on another homeserver when `server` is given). */
  human(localpart: string, displayName?: string, server?: string): MatrixHuman;
  /** Resolves with the first request (already served or to come) that matches. */
  waitForRequest(
    predicate: (request: RecordedRequest) => boolean,
    options?: { timeoutMs?: number },
  ): Promise<RecordedRequest>;
  /** Resolves with the first typing notification (already received or to come) that matches. */
  waitForTyping(predicate: (notice: TypingNotice) => boolean, options?: { timeoutMs?: number }): Promise<TypingNotice>;
  /** Injects a fault into the next matching request(s). */
  fail(fault: MatrixFault): void;
  /** Invalidates an access token (later calls get 401 `M_UNKNOWN_TOKEN`). */
  revoke(token: string): void;
  /** Events of a room as a client sees them (with `room_id`), oldest first. */
  events(roomId: string): Record<string, unknown>[];
  /** Events the bot sent into a room (or any room), oldest first. */
  botEvents(roomId?: string): Record<string, unknown>[];
  /**
   * Resolves with the first event (already stored or still to come) that matches; rejects
   * after `timeoutMs` (default 20,000) with a message naming what was awaited.
   */
  waitFor(
    predicate: (event: Record<string, unknown>) => boolean,
    options?: { timeoutMs?: number; what?: string },
  ): Promise<Record<string, unknown>>;
  /** Resolves with the bot's reply (`m.in_reply_to`) to an event. */
  waitForReply(eventId: string, options?: { timeoutMs?: number }): Promise<Record<string, unknown>>;
  /** Stops the server, dropping open long-polls. */
  stop(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/**
 * Starts a Matrix homeserver stand-in on `127.0.0.1` port 0: a real HTTP server speaking the
 * Client-Server API subset of `contracts/matrix.md` as Synapse 1.67 does (10-event sync cap
 * without a filter, txnId idempotency per token and path, redaction power levels, 429 with
 * `retry_after_ms` and `Retry-After`), with helpers to act as human users.
 *
 * @example
 * const hs = await startMatrixHomeserver();
 * const alice = hs.human('alice');
 * const room = alice.createRoom({ invite: [hs.bot.userId] });
 */
export async function startMatrixHomeserver(options: MatrixHomeserverOptions = {}): Promise<MatrixHomeserver> {
  const now = Date.now;
  const state = new HomeserverState(options.serverName ?? 'stats.test', now);
  const botUser = state.addUser(options.botLocalpart ?? 'stats', options.botDisplayName ?? 'Stats');
  const faults: ActiveFault[] = [];
  const requests: RecordedRequest[] = [];
  const requestListeners = new Set<(request: RecordedRequest) => void>();
  const buckets = new Map<string, { tokens: number; at: number }>();
  const wakers = new Set<() => void>();
  let stopped = false;
  state.subscribe(() => {
    for (const wake of [...wakers]) wake();
  });

  const context: ApiContext = {
    state,
    now,
    maxEventBytes: options.maxEventBytes ?? 65_536,
    stopping: () => stopped,
    waitForChange: (ms) =>
      new Promise<void>((resolve) => {
        if (stopped) return resolve();
        const done = (): void => {
          clearTimeout(timer);
          wakers.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        wakers.add(done);
      }),
    rateLimit: (userId) => {
      const limit = options.rateLimit;
      if (!limit) return undefined;
      const bucket = buckets.get(userId) ?? { tokens: limit.burst, at: now() };
      bucket.tokens = Math.min(limit.burst, bucket.tokens + ((now() - bucket.at) / 1000) * limit.perSecond);
      bucket.at = now();
      buckets.set(userId, bucket);
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return undefined;
      }
      return Math.max(1, Math.ceil(((1 - bucket.tokens) / limit.perSecond) * 1000));
    },
  };

  const server = createServer((request, response) => {
    void (async () => {
      const url = new URL(request.url ?? '/', 'http://stand-in');
      const method = request.method ?? 'GET';
      const path = url.pathname.startsWith('/_matrix/') ? url.pathname.slice('/_matrix'.length) : url.pathname;
      const record = (status: number): void => {
        const entry = { method, path, status };
        requests.push(entry);
        for (const listener of [...requestListeners]) listener(entry);
      };
      const body = await readBody(request);
      const fault = takeFault(faults, method, path);
      if (fault && !fault.dropAfterApply) {
        if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
        record(fault.status ?? 500);
        if (fault.drop) return void request.socket.destroy();
        if (fault.rawBody !== undefined) {
          response.writeHead(fault.status ?? 502, { 'content-type': 'text/html' });
          return void response.end(fault.rawBody);
        }
        const errorBody = faultBody(fault);
        const headers: Record<string, string> = {};
        if ((fault.status ?? 500) === 429)
          headers['retry-after'] = String(Math.ceil(Number(errorBody['retry_after_ms']) / 1000));
        return sendJson(response, fault.status ?? 500, errorBody, headers);
      }
      const auth = request.headers.authorization;
      const token = auth?.startsWith('Bearer ') ? auth.slice(7) : (url.searchParams.get('access_token') ?? undefined);
      if (path === '/client/versions') {
        record(200);
        return sendJson(response, 200, {
          versions: ['v1.1', 'v1.2', 'v1.3', 'v1.4', 'v1.5', 'v1.6'],
          unstable_features: {},
        });
      }
      if (token === undefined) {
        record(401);
        return sendJson(response, 401, { errcode: 'M_MISSING_TOKEN', error: 'Missing access token' });
      }
      const userId = state.tokens.get(token);
      const user = userId === undefined ? undefined : state.users.get(userId);
      if (!user) {
        record(401);
        return sendJson(response, 401, {
          errcode: 'M_UNKNOWN_TOKEN',
          error: 'Invalid access token passed.',
          soft_logout: false,
        });
      }
      const result = await answer(context, {
        method,
        path,
        query: url.searchParams,
        body,
        contentType: String(request.headers['content-type'] ?? 'application/octet-stream'),
        user,
        token,
      });
      if (fault?.dropAfterApply) {
        record(0);
        return void request.socket.destroy();
      }
      record(result.status);
      sendJson(response, result.status, result.body, result.headers);
    })().catch((err: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { errcode: 'M_UNKNOWN', error: String(err) });
    });
  });
  // Node's agent (matrix-bot-sdk's requests) and undici (fetch) subtract 1 s from the server's
  // keep-alive hint and close a socket whose hint leaves nothing: at 1 s every request opened a
  // new TCP connection. 30 s keeps connections as a real homeserver behind a proxy does.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const human = (localpart: string, displayName?: string, server?: string): MatrixHuman =>
    createHuman(state, state.addUser(localpart, displayName, server));

  const asClient = (e: StoredEvent): Record<string, unknown> => clientEvent(e, undefined, now(), true);
  const allEvents = (): StoredEvent[] => [...state.rooms.values()].flatMap((room) => room.events);

  const waitFor: MatrixHomeserver['waitFor'] = (predicate, opts = {}) => {
    const timeoutMs = opts.timeoutMs ?? 20_000;
    return waitUntil(
      () => allEvents().map(asClient).find(predicate),
      (onChange: (event: StoredEvent | undefined) => void) => state.subscribe(onChange),
      timeoutMs,
      () => `homeserver stand-in: no ${opts.what ?? 'matching event'} within ${timeoutMs} ms`,
      (event) => {
        if (!event) return undefined;
        const client = asClient(event);
        return predicate(client) ? client : undefined;
      },
    );
  };

  return {
    url: `http://127.0.0.1:${port}`,
    serverName: state.serverName,
    bot: { userId: botUser.userId, token: botUser.token },
    state,
    requests,
    human,
    fail: (fault) => void faults.push({ fault, remaining: fault.times ?? 1 }),
    revoke: (token) => void state.tokens.delete(token),
    events: (roomId) => state.room(roomId).events.map(asClient),
    botEvents: (roomId) =>
      (roomId === undefined ? allEvents() : state.room(roomId).events)
        .filter((e) => e.sender === botUser.userId)
        .map(asClient),
    waitFor,
    waitForRequest: (predicate, opts = {}) => {
      const timeoutMs = opts.timeoutMs ?? 20_000;
      return waitUntil(
        () => requests.find(predicate),
        (onChange: (request: RecordedRequest) => void) => {
          requestListeners.add(onChange);
          return () => requestListeners.delete(onChange);
        },
        timeoutMs,
        () => `homeserver stand-in: no matching request within ${timeoutMs} ms`,
        (request) => (predicate(request) ? request : undefined),
      );
    },
    waitForTyping: (predicate, opts = {}) => {
      const timeoutMs = opts.timeoutMs ?? 20_000;
      return waitUntil(
        () => state.typing.find(predicate),
        (onChange: (notice: TypingNotice) => void) => state.onTyping(onChange),
        timeoutMs,
        () => `homeserver stand-in: no matching typing notification within ${timeoutMs} ms`,
        (notice) => (predicate(notice) ? notice : undefined),
      );
    },
    waitForReply: (eventId, opts = {}) =>
      waitFor(
        (e) =>
          (e['content'] as { 'm.relates_to'?: { 'm.in_reply_to'?: { event_id?: string } } })['m.relates_to']?.[
            'm.in_reply_to'
          ]?.event_id === eventId,
        { ...opts, what: `reply to ${eventId}` },
      ),
    stop: async () => {
      stopped = true;
      for (const wake of [...wakers]) wake();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
