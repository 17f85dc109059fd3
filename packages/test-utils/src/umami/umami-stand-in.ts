import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerSecret } from '../log-scan.js';
import { DEFAULT_UMAMI_WEBSITES, ZERO_TOTALS, type UmamiFixtureWebsite } from './umami-fixtures.js';
import { activeBody, atLeast, errorBody, statsBody, websitesBody, type UmamiVersion } from './umami-shapes.js';

/** A fault injected into the next answers of one route. */
export interface UmamiFault {
  /** Answer this status with the version's error body (or `body`). */
  readonly status?: number;
  /** A raw body instead of the version's error body. */
  readonly body?: string;
  /** `Retry-After` header value. */
  readonly retryAfter?: string;
  /** Wait this long before answering (slow upstream). */
  readonly delayMs?: number;
  /** Answer 200 with a body that is not JSON. */
  readonly malformed?: boolean;
  /** How many answers it affects (default 1; `Infinity` for all). */
  readonly times?: number;
}

/** The routes the stand-in counts and can fault. */
export type UmamiRoute = 'login' | 'websites' | 'stats' | 'active' | 'pageviews' | 'metrics' | 'verify';

/** Options of {@link startUmami}. */
export interface UmamiStandInOptions {
  /** Which answer shapes to speak (default `v2.16`). */
  readonly version?: UmamiVersion;
  readonly username?: string;
  readonly password?: string;
  /** Accept `x-umami-api-key: <apiKey>` like Umami Cloud (then `/api` is also served as `/v1`). */
  readonly apiKey?: string;
  readonly websites?: readonly UmamiFixtureWebsite[];
  /** Websites the bot user may not see: 401 like Umami. */
  readonly hiddenWebsiteIds?: readonly string[];
  /** Websites listed but whose data answers 401 (access revoked, a team's site). */
  readonly deniedWebsiteIds?: readonly string[];
}

/** A running Umami stand-in. */
export interface RunningUmami {
  /** The base URL to configure as `UMAMI_API_URL` (no `/api`). */
  readonly url: string;
  /** Calls per route (including failed ones). */
  readonly calls: Readonly<Record<UmamiRoute, number>>;
  /** The version spoken now. */
  version: UmamiVersion;
  /** Injects a fault into the next answers of `route`. */
  fault(route: UmamiRoute, fault: UmamiFault): void;
  /** Forgets every issued token: the next call answers 401 (a restarted Umami with a new secret). */
  expireTokens(): void;
  /** Resets the call counters. */
  resetCalls(): void;
  stop(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const isInt = (v: string | null): boolean => v !== null && /^-?\d+$/.test(v);

function wallClock(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(ms);
  return `${parts} 00:00:00`;
}

/**
 * Starts an Umami stand-in on `127.0.0.1`, port 0: a real HTTP server following
 * `contracts/umami.md` field for field (login, websites with paging, stats, active,
 * pageviews, metrics) in the answer shapes of the chosen version, with validation (400)
 * before auth (401), and injectable faults (401/404/429/500, slow and malformed answers).
 *
 * @example
 * const umami = await startUmami({ version: 'v3' });
 * // UMAMI_API_URL=umami.url, UMAMI_USERNAME=admin, UMAMI_PASSWORD=secret
 * await umami.stop();
 */
export async function startUmami(options: UmamiStandInOptions = {}): Promise<RunningUmami> {
  const username = options.username ?? 'admin';
  const password = options.password ?? 'secret';
  registerSecret(password, 'Umami password');
  registerSecret(options.apiKey, 'Umami API key');
  const websites = options.websites ?? DEFAULT_UMAMI_WEBSITES;
  const hidden = new Set(options.hiddenWebsiteIds ?? []);
  const denied = new Set(options.deniedWebsiteIds ?? []);
  const tokens = new Set<string>();
  const faults = new Map<UmamiRoute, { fault: UmamiFault; left: number }[]>();
  const calls: Record<UmamiRoute, number> = {
    login: 0,
    websites: 0,
    stats: 0,
    active: 0,
    pageviews: 0,
    metrics: 0,
    verify: 0,
  };
  const sockets = new Set<import('node:net').Socket>();

  const state: RunningUmami = {
    url: '',
    calls,
    version: options.version ?? 'v2.16',
    fault(route, fault) {
      const list = faults.get(route) ?? [];
      list.push({ fault, left: fault.times ?? 1 });
      faults.set(route, list);
    },
    expireTokens: () => tokens.clear(),
    resetCalls() {
      for (const key of Object.keys(calls) as UmamiRoute[]) calls[key] = 0;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };

  const fail = (res: ServerResponse, status: number, message: string, details: readonly string[] = []): void => {
    const { type, text } = errorBody(state.version, status, message, details);
    res.writeHead(status, { 'content-type': type });
    res.end(text);
  };

  async function applyFault(route: UmamiRoute, res: ServerResponse): Promise<boolean> {
    const list = faults.get(route);
    const entry = list?.[0];
    if (entry === undefined) return false;
    entry.left -= 1;
    if (entry.left <= 0) list?.shift();
    const { fault } = entry;
    if (fault.delayMs !== undefined) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (res.destroyed) return true;
    if (fault.malformed) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"data": [ {"id": "trunc');
      return true;
    }
    if (fault.status !== undefined) {
      const headers: Record<string, string> = {
        'content-type': fault.body !== undefined && fault.body.startsWith('<') ? 'text/html' : 'application/json',
      };
      if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
      if (fault.body !== undefined) {
        res.writeHead(fault.status, headers);
        res.end(fault.body);
      } else {
        const { type, text } = errorBody(
          state.version,
          fault.status,
          fault.status === 401 ? 'Unauthorized' : fault.status >= 500 ? 'Server error' : 'Error',
        );
        res.writeHead(fault.status, { ...headers, 'content-type': type });
        res.end(text);
      }
      return true;
    }
    return false;
  }

  function authorized(req: IncomingMessage): boolean {
    if (options.apiKey !== undefined && req.headers['x-umami-api-key'] === options.apiKey && state.version === 'v3')
      return true;
    const header = req.headers.authorization ?? '';
    const m = /^Bearer (.+)$/.exec(header);
    return m?.[1] !== undefined && tokens.has(m[1]);
  }

  function rangeProblems(q: URLSearchParams): string[] {
    const problems: string[] = [];
    const hasMs = q.get('startAt') !== null || q.get('endAt') !== null;
    if (!atLeast(state.version, 'v3') || hasMs) {
      if (!isInt(q.get('startAt'))) problems.push('startAt: Expected number, received nan');
      if (!isInt(q.get('endAt'))) problems.push('endAt: Expected number, received nan');
    } else if (q.get('startDate') === null || q.get('endDate') === null) {
      problems.push('startAt/endAt or startDate/endDate is required');
    }
    return problems;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/^\/(api|v1)\//, '/');
    const q = url.searchParams;
    if (path === '/auth/login') {
      calls.login += 1;
      if (await applyFault('login', res)) return;
      if (req.method !== 'POST') return fail(res, 405, 'Method Not Allowed');
      let body: { username?: unknown; password?: unknown };
      try {
        body = JSON.parse(await readBody(req)) as typeof body;
      } catch {
        return fail(res, 400, 'Bad request', ['body: invalid JSON']);
      }
      if (typeof body.username !== 'string' || typeof body.password !== 'string')
        return fail(res, 400, 'Bad request', ['username: Required']);
      if (body.username !== username || body.password !== password) {
        const { type, text } =
          state.version === 'v2.16'
            ? errorBody(state.version, 401, 'message.incorrect-username-password')
            : errorBody(state.version, 401, 'Unauthorized');
        res.writeHead(401, { 'content-type': type });
        return void res.end(atLeast(state.version, 'v2.16') ? text : 'message.incorrect-username-password');
      }
      const token = randomUUID();
      tokens.add(token);
      registerSecret(token, 'Umami token');
      return json(res, 200, {
        token,
        user: { id: 'u1', username, role: 'admin', createdAt: '2025-01-01T00:00:00.000Z', isAdmin: true },
      });
    }
    if (path === '/auth/verify') {
      calls.verify += 1;
      if (atLeast(state.version, 'v2.16') && req.method !== 'POST') return fail(res, 405, 'Method Not Allowed');
      if (!authorized(req)) return fail(res, 401, 'Unauthorized');
      return json(res, 200, { id: 'u1', username, role: 'admin', isAdmin: true });
    }
    if (path === '/websites') {
      calls.websites += 1;
      if (await applyFault('websites', res)) return;
      if (!authorized(req)) return fail(res, 401, 'Unauthorized');
      const visible = websites.filter((w) => !hidden.has(w.id)).sort((a, b) => a.name.localeCompare(b.name));
      const rows = visible.map((w) => ({
        id: w.id,
        name: w.name,
        domain: w.domain ?? null,
        shareId: null,
        resetAt: null,
        userId: 'u1',
        teamId: null,
        createdBy: 'u1',
        createdAt: '2025-01-01T00:00:00.000Z',
        updatedAt: null,
        deletedAt: null,
        user: { id: 'u1', username },
      }));
      if (state.version === 'v2.0') return json(res, 200, rows);
      const pageSize = Math.max(1, Number(q.get('pageSize') ?? (state.version === 'v3' ? 20 : 10)));
      const page = Math.max(1, Number(q.get('page') ?? 1));
      return json(
        res,
        200,
        websitesBody(state.version, rows.slice((page - 1) * pageSize, page * pageSize), rows.length, page, pageSize),
      );
    }
    const m = /^\/websites\/([^/]+)\/(stats|active|pageviews|metrics)$/.exec(path);
    if (m === null) {
      res.writeHead(404, { 'content-type': 'text/html' });
      return void res.end('<!DOCTYPE html><html><body>404: This page could not be found.</body></html>');
    }
    const id = decodeURIComponent(m[1] ?? '');
    const route = m[2] as 'stats' | 'active' | 'pageviews' | 'metrics';
    calls[route] += 1;
    if (await applyFault(route, res)) return;
    const problems = route === 'active' ? [] : rangeProblems(q);
    if (route === 'pageviews' && !atLeast(state.version, 'v3')) {
      if (!['minute', 'hour', 'day', 'month', 'year'].includes(q.get('unit') ?? '')) problems.push('Invalid unit');
      if (q.get('timezone') === null) problems.push('Invalid timezone');
    }
    const type = q.get('type') ?? '';
    const v3 = state.version === 'v3';
    const pageType = v3 ? 'path' : 'url';
    const known = [
      pageType,
      'entry',
      'exit',
      'referrer',
      v3 ? 'hostname' : 'host',
      'title',
      'query',
      'event',
      'tag',
      'browser',
      'os',
      'device',
      'screen',
      'language',
      'country',
      'region',
      'city',
      'channel',
      ...(v3 ? ['domain', 'distinctId'] : []),
    ];
    if (route === 'metrics' && !known.includes(type)) problems.push(`type: Invalid enum value '${type}'`);
    if (problems.length > 0) return fail(res, 400, 'Bad request', problems);
    if (!authorized(req)) return fail(res, 401, 'Unauthorized');
    const site = websites.find((w) => w.id === id);
    if (site === undefined || hidden.has(id) || denied.has(id)) return fail(res, 401, 'Unauthorized');
    if (route === 'stats')
      return json(res, 200, statsBody(state.version, site.current ?? ZERO_TOTALS, site.previous ?? ZERO_TOTALS));
    if (route === 'active') return json(res, 200, activeBody(state.version, site.active ?? 0));
    if (route === 'metrics') {
      const key = type === pageType ? 'page' : type === 'hostname' ? 'host' : type;
      const limit = Number(q.get('limit') ?? 500);
      return json(res, 200, (site.metrics?.[key] ?? []).slice(0, limit));
    }
    const start = Number(q.get('startAt'));
    const end = Number(q.get('endAt'));
    const timeZone = q.get('timezone') ?? 'UTC';
    const daily = site.daily ?? [];
    const pageviews: { x: string; y: number }[] = [];
    const sessions: { x: string; y: number }[] = [];
    let i = 0;
    for (let t = start; t < end && daily.length > 0; t += 86_400_000, i++) {
      const y = daily[i % daily.length] ?? 0;
      if (y === 0) continue; // empty buckets are omitted
      pageviews.push({ x: wallClock(t, timeZone), y });
      sessions.push({ x: wallClock(t, timeZone), y: Math.ceil(y / 2) });
    }
    return json(res, 200, { pageviews, sessions });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) fail(res, 500, 'Server error');
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, { url: `http://127.0.0.1:${port}` });
}
