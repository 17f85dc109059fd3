import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { UserRef } from '../../chat/index.js';
import { StatsError, UpstreamError } from '../../errors/index.js';
import type { Metrics } from '../../metrics/index.js';
import type { AuthCallOptions, AuthProvider, Credentials, LoginResult } from '../../sessions/index.js';
import { createUpstreamClient, MalformedAnswerError, parseRetryAfter, type UpstreamResponse } from '../http/index.js';
import {
  readCreditBalance,
  readCreditTransaction,
  readLoginAnswer,
  type CreditBalance,
  type CreditTransaction,
} from './auth-answers.js';

/** Options of {@link createAuthServiceClient}. */
export interface AuthServiceOptions {
  /** `AUTH_URL`, e.g. `http://localhost:3001`. */
  readonly url: string;
  /** `AUTH_SERVICE_KEY`: enables the SSO-link call. */
  readonly serviceKey?: string | undefined;
  readonly metrics?: Metrics | undefined;
  readonly logger?: Logger | undefined;
  /** Per-call budget in ms (default 10 000). */
  readonly timeoutMs?: number;
  readonly dispatcher?: Dispatcher;
  /** The clock (Unix ms). */
  readonly now?: () => number;
}

/** The auth service (mana-core-auth): the session provider plus the credit reads. */
export interface AuthServiceClient extends AuthProvider {
  login(credentials: Credentials, options?: AuthCallOptions): Promise<LoginResult>;
  logout(accessToken: string, options?: AuthCallOptions): Promise<void>;
  linkedSession(user: UserRef, options?: AuthCallOptions): Promise<LoginResult | undefined>;
  /** The credit balance of the token's account. */
  balance(accessToken: string, options?: AuthCallOptions): Promise<CreditBalance>;
  /** The token's account's credit transactions, newest first (one page). */
  transactions(
    accessToken: string,
    page?: { readonly limit?: number; readonly offset?: number },
    options?: AuthCallOptions,
  ): Promise<CreditTransaction[]>;
}

/** The user messages of failed logins; tests and translations key on them. */
export const LOGIN_MESSAGES = {
  wrongCredentials: 'Wrong e-mail or password.',
  notVerified: 'Your e-mail address is not verified yet: open the link in the verification e-mail, then log in again.',
  rateLimited: (seconds: number): string => `Too many login attempts. Please try again in ${seconds} s.`,
  refreshRejected: 'Your session has ended. Please log in again.',
} as const;

function json(res: UpstreamResponse): unknown {
  try {
    return res.text === '' ? undefined : (JSON.parse(res.text) as unknown);
  } catch (err) {
    throw new MalformedAnswerError('auth', 'The auth service', 'not JSON', { cause: err });
  }
}

/**
 * The client of the auth service (`AUTH_URL`) as in `contracts/auth.md`. Login POSTs are
 * never retried; a 401 means wrong e-mail or password, a 403 an unverified e-mail, a 429
 * "try again in N s" (never reported as a wrong password).
 *
 * @example
 * const auth = createAuthServiceClient({ url: 'http://localhost:3001', serviceKey });
 * const { accessToken } = await auth.login({ email, password });
 */
export function createAuthServiceClient(options: AuthServiceOptions): AuthServiceClient {
  const now = options.now ?? Date.now;
  const http = createUpstreamClient({
    source: 'auth',
    name: 'The auth service',
    baseUrl: options.url,
    metrics: options.metrics,
    logger: options.logger,
    timeoutMs: options.timeoutMs ?? 10_000,
    now,
    ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
  });
  const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
  const signal = (o: AuthCallOptions | undefined): { signal?: AbortSignal } => (o?.signal ? { signal: o.signal } : {});

  return {
    name: 'auth',
    async login(credentials, o) {
      const res = await http.request({
        method: 'POST',
        path: 'api/v1/auth/login',
        json: { email: credentials.email, password: credentials.password, deviceName: 'stats bot' },
        idempotent: false,
        accept: [400, 401, 403, 429],
        ...signal(o),
      });
      if (res.status === 401 || res.status === 400)
        throw new StatsError('auth', `Login refused (HTTP ${res.status})`, LOGIN_MESSAGES.wrongCredentials);
      if (res.status === 403)
        throw new StatsError('auth', 'Login refused: e-mail not verified (HTTP 403)', LOGIN_MESSAGES.notVerified);
      if (res.status === 429) {
        const waitMs = parseRetryAfter(res.headers['retry-after'], now()) ?? 60_000;
        const seconds = Math.max(1, Math.ceil(waitMs / 1000));
        throw new UpstreamError(
          'auth',
          429,
          `Login rate limited for ${seconds} s`,
          LOGIN_MESSAGES.rateLimited(seconds),
          true,
          { retryAfterMs: waitMs },
        );
      }
      return readLoginAnswer(json(res));
    },
    async refresh(refreshToken, o) {
      const res = await http.request({
        method: 'POST',
        path: 'api/v1/auth/refresh',
        json: { refreshToken },
        idempotent: false,
        accept: [400, 401, 403],
        ...signal(o),
      });
      if (res.status !== 200 && res.status !== 201) {
        throw new StatsError('auth', `Refresh token rejected (HTTP ${res.status})`, LOGIN_MESSAGES.refreshRejected);
      }
      return readLoginAnswer(json(res));
    },
    async logout(accessToken, o) {
      await http.request({
        method: 'POST',
        path: 'api/v1/auth/logout',
        headers: bearer(accessToken),
        idempotent: false,
        accept: [401, 404],
        ...signal(o),
      });
    },
    async linkedSession(user, o) {
      if (options.serviceKey === undefined) return undefined;
      const res = await http.request({
        method: 'POST',
        path: 'api/v1/auth/linked-session',
        json: { platform: user.platform, platformUserId: user.id },
        headers: { 'x-service-key': options.serviceKey },
        idempotent: false,
        accept: [404],
        ...signal(o),
      });
      return res.status === 404 ? undefined : readLoginAnswer(json(res));
    },
    async balance(accessToken, o) {
      const { body } = await http.json({ path: 'api/v1/credits/balance', headers: bearer(accessToken), ...signal(o) });
      const balance = readCreditBalance(body);
      if (balance === undefined)
        throw new MalformedAnswerError('auth', 'The auth service', 'credit balance without a number');
      return balance;
    },
    async transactions(accessToken, page = {}, o) {
      const { body } = await http.json({
        path: 'api/v1/credits/transactions',
        query: { limit: page.limit ?? 50, offset: page.offset ?? 0 },
        headers: bearer(accessToken),
        ...signal(o),
      });
      const list = Array.isArray(body) ? body : (body as { transactions?: unknown } | undefined)?.transactions;
      if (!Array.isArray(list))
        throw new MalformedAnswerError('auth', 'The auth service', 'transactions are not a list');
      return list.flatMap((item) => {
        const transaction = readCreditTransaction(item);
        return transaction === undefined ? [] : [transaction];
      });
    },
  };
}
