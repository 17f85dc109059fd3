import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerSecret } from '../log-scan.js';
import { applyFailure, FailurePlan, parseJson, readBody, sendJson, type Failure } from './http-kit.js';
import { createTokenSigner, type TokenSigner } from './token-signer.js';

/** A user of the test auth service. */
export interface TestAuthUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly name?: string;
  /** `false` answers 403 on login (e-mail not verified). Default true. */
  readonly verified?: boolean;
}

/** A credit transaction as `/api/v1/credits/transactions` lists it. */
export interface TestTransaction {
  readonly id: string;
  readonly type: string;
  readonly amount: number;
  readonly appId: string;
  readonly description: string;
  /** ISO 8601. */
  readonly createdAt: string;
}

/** The endpoints whose calls are counted and which can be told to fail. */
export type AuthEndpoint =
  'login' | 'refresh' | 'logout' | 'validate' | 'balance' | 'transactions' | 'linked-session' | 'jwks';

/** Options of {@link startAuthServer}. */
export interface AuthServerOptions {
  /** Access-token lifetime in seconds (default 900, as the service's). */
  readonly accessTtlSeconds?: number;
  /** Refresh-token lifetime in seconds (default 7 days). */
  readonly refreshTtlSeconds?: number;
  /** The `X-Service-Key` the SSO-link call requires (default `test-service-key`). */
  readonly serviceKey?: string;
  /** Answer the login in seed 003's shape (`token` = refresh token, no `expiresIn`). Default false. */
  readonly betterAuthShape?: boolean;
}

/** A running test auth service (mana-core-auth as in `contracts/auth.md`). */
export interface RunningAuthServer {
  readonly url: string;
  /** The `iss` of its tokens (= its URL). */
  readonly issuer: string;
  readonly serviceKey: string;
  readonly signer: TokenSigner;
  /** Adds a user; returns it. */
  addUser(user: Omit<TestAuthUser, 'id'> & { readonly id?: string }): TestAuthUser;
  /** Links a chat user to an account for the SSO-link call. */
  link(platform: string, platformUserId: string, email: string): void;
  /** Sets an account's balance answer. */
  setBalance(
    email: string,
    balance: { balance: number; freeCreditsRemaining: number; totalEarned: number; totalSpent: number },
  ): void;
  /** Adds credit transactions to an account. */
  addTransactions(email: string, items: readonly TestTransaction[]): void;
  /** Calls per endpoint so far. */
  calls(endpoint: AuthEndpoint): number;
  /** Makes `endpoint` fail (status or delay) for the next `times` calls (default: until {@link clearFailures}). */
  fail(endpoint: AuthEndpoint, failure: Failure, times?: number): void;
  clearFailures(): void;
  /** Changes the access-token lifetime of tokens issued from now on. */
  setAccessTtl(seconds: number): void;
  /** Every password the server received, to prove where one did (and did not) travel. */
  readonly receivedPasswords: readonly string[];
  stop(): Promise<void>;
}

interface RefreshEntry {
  readonly userId: string;
  readonly until: number;
  used: boolean;
}

/** Starts the test auth service on 127.0.0.1, port 0: EdDSA JWTs, JWKS, rotating refresh tokens. */
export async function startAuthServer(options: AuthServerOptions = {}): Promise<RunningAuthServer> {
  const users = new Map<string, TestAuthUser>();
  const links = new Map<string, string>();
  const balances = new Map<
    string,
    { balance: number; freeCreditsRemaining: number; totalEarned: number; totalSpent: number }
  >();
  const transactions = new Map<string, TestTransaction[]>();
  const refreshTokens = new Map<string, RefreshEntry>();
  const counts = new Map<AuthEndpoint, number>();
  const failures = new FailurePlan();
  const receivedPasswords: string[] = [];
  const serviceKey = options.serviceKey ?? 'test-service-key';
  registerSecret(serviceKey, 'auth service key');
  let accessTtl = options.accessTtlSeconds ?? 900;
  const refreshTtl = options.refreshTtlSeconds ?? 7 * 86_400;
  let signer: TokenSigner | undefined;

  const byId = (id: string): TestAuthUser | undefined => [...users.values()].find((u) => u.id === id);
  const issue = async (user: TestAuthUser): Promise<Record<string, unknown>> => {
    const accessToken = await (signer as TokenSigner).sign({ sub: user.id, email: user.email }, accessTtl);
    const refreshToken = randomBytes(24).toString('base64url');
    registerSecret(accessToken, 'auth access token');
    registerSecret(refreshToken, 'auth refresh token');
    refreshTokens.set(refreshToken, { userId: user.id, until: Date.now() + refreshTtl * 1000, used: false });
    const account = { id: user.id, email: user.email, ...(user.name !== undefined ? { name: user.name } : {}) };
    return options.betterAuthShape
      ? { user: account, token: refreshToken, accessToken, refreshToken }
      : { user: account, accessToken, refreshToken, expiresIn: accessTtl, tokenType: 'Bearer' };
  };
  const bearer = async (request: IncomingMessage): Promise<TestAuthUser | undefined> => {
    const header = request.headers.authorization ?? '';
    const claims = header.startsWith('Bearer ') ? await (signer as TokenSigner).verify(header.slice(7)) : undefined;
    return claims?.sub === undefined ? undefined : byId(claims.sub);
  };

  const routes: Record<
    string,
    {
      endpoint: AuthEndpoint;
      handle: (req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>) => Promise<void>;
    }
  > = {
    'POST /api/v1/auth/login': {
      endpoint: 'login',
      handle: async (_req, res, body) => {
        const email = typeof body['email'] === 'string' ? body['email'].toLowerCase() : '';
        const password = typeof body['password'] === 'string' ? body['password'] : '';
        receivedPasswords.push(password);
        const user = users.get(email);
        if (!user || user.password !== password)
          return sendJson(res, 401, { statusCode: 401, message: 'Invalid credentials' });
        if (user.verified === false) return sendJson(res, 403, { statusCode: 403, message: 'Email not verified' });
        sendJson(res, 200, await issue(user));
      },
    },
    'POST /api/v1/auth/refresh': {
      endpoint: 'refresh',
      handle: async (_req, res, body) => {
        const token = typeof body['refreshToken'] === 'string' ? body['refreshToken'] : '';
        const entry = refreshTokens.get(token);
        const user = entry ? byId(entry.userId) : undefined;
        if (!entry || entry.used || entry.until <= Date.now() || !user) {
          return sendJson(res, 401, { statusCode: 401, message: 'Invalid refresh token' });
        }
        entry.used = true;
        sendJson(res, 200, await issue(user));
      },
    },
    'POST /api/v1/auth/logout': {
      endpoint: 'logout',
      handle: async (req, res) => {
        if (!(await bearer(req))) return sendJson(res, 401, { statusCode: 401, message: 'Unauthorized' });
        sendJson(res, 200, { success: true });
      },
    },
    'POST /api/v1/auth/validate': {
      endpoint: 'validate',
      handle: async (_req, res, body) => {
        const payload =
          typeof body['token'] === 'string' ? await (signer as TokenSigner).verify(body['token']) : undefined;
        sendJson(res, 200, payload ? { valid: true, payload } : { valid: false });
      },
    },
    'GET /api/v1/credits/balance': {
      endpoint: 'balance',
      handle: async (req, res) => {
        const user = await bearer(req);
        if (!user) return sendJson(res, 401, { statusCode: 401, message: 'Unauthorized' });
        sendJson(
          res,
          200,
          balances.get(user.email) ?? { balance: 150, freeCreditsRemaining: 5, totalEarned: 150, totalSpent: 0 },
        );
      },
    },
    'GET /api/v1/credits/transactions': {
      endpoint: 'transactions',
      handle: async (req, res) => {
        const user = await bearer(req);
        if (!user) return sendJson(res, 401, { statusCode: 401, message: 'Unauthorized' });
        const query = new URL(req.url ?? '/', 'http://x').searchParams;
        const limit = Number(query.get('limit') ?? 50);
        const offset = Number(query.get('offset') ?? 0);
        sendJson(res, 200, (transactions.get(user.email) ?? []).slice(offset, offset + limit));
      },
    },
    'POST /api/v1/auth/linked-session': {
      endpoint: 'linked-session',
      handle: async (req, res, body) => {
        if (req.headers['x-service-key'] !== serviceKey)
          return sendJson(res, 401, { statusCode: 401, message: 'Bad service key' });
        const email = links.get(`${String(body['platform'])}:${String(body['platformUserId'])}`);
        const user = email === undefined ? undefined : users.get(email);
        if (!user) return sendJson(res, 404, { statusCode: 404, message: 'No linked account' });
        sendJson(res, 200, await issue(user));
      },
    },
  };
  const jwks = {
    endpoint: 'jwks' as const,
    handle: async (_req: IncomingMessage, res: ServerResponse) => sendJson(res, 200, (signer as TokenSigner).jwks),
  };
  routes['GET /api/auth/jwks'] = jwks;
  routes['GET /.well-known/jwks.json'] = jwks;

  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      const route = routes[`${req.method ?? 'GET'} ${path}`];
      const text = await readBody(req);
      if (path.startsWith('/health')) return sendJson(res, 200, { status: 'ok', timestamp: new Date().toISOString() });
      if (!route) return sendJson(res, 404, { statusCode: 404, message: 'Not found' });
      counts.set(route.endpoint, (counts.get(route.endpoint) ?? 0) + 1);
      if (await applyFailure(res, failures.take(route.endpoint))) return;
      await route.handle(req, res, parseJson(text));
    })().catch(() => {
      if (!res.headersSent) sendJson(res, 500, { statusCode: 500, message: 'test auth server error' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  signer = await createTokenSigner(url);

  return {
    url,
    issuer: url,
    serviceKey,
    signer,
    addUser(input) {
      const user: TestAuthUser = { ...input, id: input.id ?? randomUUID(), email: input.email.toLowerCase() };
      users.set(user.email, user);
      registerSecret(user.password, `password of ${user.email}`);
      return user;
    },
    link: (platform, platformUserId, email) => void links.set(`${platform}:${platformUserId}`, email.toLowerCase()),
    setBalance: (email, balance) => void balances.set(email.toLowerCase(), balance),
    addTransactions: (email, items) =>
      void transactions.set(email.toLowerCase(), [...(transactions.get(email.toLowerCase()) ?? []), ...items]),
    calls: (endpoint) => counts.get(endpoint) ?? 0,
    fail: (endpoint, failure, times) => failures.add(endpoint, failure, times),
    clearFailures: () => failures.clear(),
    setAccessTtl: (seconds) => void (accessTtl = seconds),
    receivedPasswords,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
