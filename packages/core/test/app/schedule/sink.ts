import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A message the sink hands to every replica. */
export interface SinkUpdate {
  readonly seq: number;
  readonly id: string;
  readonly platform: string;
  readonly room: string;
  readonly user: string;
  readonly text: string;
}

/** One send as the sink received it. */
export interface SinkSend {
  readonly replica: string;
  readonly platform: string;
  readonly room: string;
  readonly key: string | undefined;
  readonly text: string;
}

/**
 * A chat platform for replica tests over real HTTP: every replica long-polls the same updates;
 * sends are deduplicated by their idempotency key the way a Matrix homeserver deduplicates a
 * transaction id, so `shown` is what a room displays and `received` every request.
 */
export interface Sink {
  readonly url: string;
  readonly received: SinkSend[];
  readonly shown: SinkSend[];
  readonly times: number[];
  readonly replies: { replica: string; platform: string; messageId: string; text: string }[];
  push(update: Omit<SinkUpdate, 'seq'>): void;
  /** Answers every `GET /go` (now and later) with `value`: replicas wait for it before starting. */
  go(value: string): void;
  /** Resolves when `predicate` holds (checked on every send and reply); rejects after `timeoutMs` (default 40 s) saying what was seen. */
  until(predicate: () => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

/** Starts the sink on 127.0.0.1, port 0. */
export async function startSink(): Promise<Sink> {
  const updates: SinkUpdate[] = [];
  const received: SinkSend[] = [];
  const shown: SinkSend[] = [];
  const replies: Sink['replies'] = [];
  const keys = new Map<string, string>();
  const times: number[] = [];
  let pollers: (() => void)[] = [];
  let goValue: string | undefined;
  let goWaiters: (() => void)[] = [];
  let watchers: (() => void)[] = [];
  const notify = (): void => {
    const w = watchers;
    watchers = [];
    for (const f of w) f();
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sink');
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.method === 'GET' && url.pathname === '/go') {
      if (goValue !== undefined) return json(200, { value: goValue });
      goWaiters.push(() => json(200, { value: goValue }));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/updates') {
      const platform = url.searchParams.get('platform') ?? '';
      const after = Number(url.searchParams.get('after') ?? '0');
      const pending = (): SinkUpdate[] => updates.filter((u) => u.platform === platform && u.seq > after);
      let answered = false;
      const answer = (): void => {
        if (answered) return;
        answered = true;
        json(200, pending());
      };
      if (pending().length > 0) return answer();
      const timer = setTimeout(answer, 500);
      pollers.push(() => {
        clearTimeout(timer);
        answer();
      });
      return;
    }
    readJson(req).then(
      (body) => {
        if (url.pathname === '/send') {
          const send = {
            replica: String(body['replica']),
            platform: String(body['platform']),
            room: String(body['room']),
            key: body['key'] === undefined ? undefined : String(body['key']),
            text: String(body['text']),
          };
          received.push(send);
          let id = send.key === undefined ? undefined : keys.get(send.key);
          if (id === undefined) {
            id = `$${received.length}`;
            if (send.key !== undefined) keys.set(send.key, id);
            shown.push(send);
            times.push(Date.now());
          }
          json(200, { id });
        } else if (url.pathname === '/reply') {
          replies.push({
            replica: String(body['replica']),
            platform: String(body['platform']),
            messageId: String(body['messageId']),
            text: String(body['text']),
          });
          json(200, {});
        } else json(404, {});
        notify();
      },
      () => json(400, {}),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    shown,
    times,
    replies,
    go(value) {
      goValue = value;
      const w = goWaiters;
      goWaiters = [];
      for (const f of w) f();
    },
    push(update) {
      updates.push({ ...update, seq: updates.length + 1 });
      const p = pollers;
      pollers = [];
      for (const f of p) f();
    },
    async until(predicate, timeoutMs = 40_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate()) {
        const left = deadline - Date.now();
        if (left <= 0)
          throw new Error(
            `sink: condition not met in ${timeoutMs} ms (${received.length} sends received, ${shown.length} shown, ${replies.length} replies)`,
          );
        await new Promise<void>((r) => {
          const timer = setTimeout(r, Math.min(left, 1000));
          watchers.push(() => {
            clearTimeout(timer);
            r();
          });
        });
      }
    },
    async stop() {
      for (const f of pollers) f();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
