import type { Logger } from 'pino';
import { raceSignal, sleep } from '../async/index.js';
import type { UserRef } from '../chat/index.js';
import { StatsError, TimeoutError } from '../errors/index.js';
import type { Metrics } from '../metrics/index.js';
import { createMemoryLock } from './memory-store.js';
import { userKey } from './session-codec.js';
import { createSingleFlight } from './single-flight.js';
import { isTokenFresh } from './token-expiry.js';
import type {
  AuthCallOptions,
  AuthProvider,
  Credentials,
  LoginResult,
  Session,
  SessionService,
  SessionStore,
} from './types.js';

/** Sessions live 7 days after login. */
export const SESSION_TTL_MS = 7 * 86_400_000;

/** The user message when a session was cleared because it could not be renewed. */
export const SESSION_EXPIRED_MESSAGE =
  'Your session has expired and could not be renewed. Please log in again (send `login` in a direct message).';

/** Options of {@link createSessionManager}. */
export interface SessionManagerOptions {
  readonly store: SessionStore;
  /** The providers; the first one logs in with a password, a session refreshes with the one that issued it. */
  readonly providers: readonly AuthProvider[];
  readonly logger?: Logger | undefined;
  readonly metrics?: Metrics | undefined;
  /** The clock (Unix ms). */
  readonly now?: () => number;
  /** Refresh this long before the access token's `exp` (default 60 000). */
  readonly refreshAheadMs?: number;
  /** How long a session lives after login (default 7 days). */
  readonly sessionTtlMs?: number;
  /** How long the refresh lock is held at most (default 15 000). */
  readonly lockTtlMs?: number;
  /** How often a process waiting for another's refresh re-reads the store (default 50 ms). */
  readonly lockPollMs?: number;
  /** Verify every new access token against the service's JWKS (EdDSA etc., from the key set) and `iss`. */
  readonly verify?: { readonly jwksUrl: string; readonly issuer?: string | undefined };
}

/** Logs users in and out and keeps their sessions usable. */
export interface SessionManager extends SessionService {
  readonly store: SessionStore;
  /** Logs in with e-mail and password through the first provider that can; stores the session. */
  login(user: UserRef, credentials: Credentials, options?: AuthCallOptions): Promise<Session>;
  /** Stores the session of tokens obtained otherwise (device login), issued by `provider`. */
  adopt(user: UserRef, result: LoginResult, provider: string): Promise<Session>;
  /** Ends the session server-side (best effort) and deletes it; resolves whether there was one. */
  logout(user: UserRef, options?: AuthCallOptions): Promise<boolean>;
  /** The provider that can start a device login, when one is configured. */
  readonly deviceProvider: AuthProvider | undefined;
}

/** `work`, or a {@link TimeoutError} as soon as `signal` aborts (the work itself goes on). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return raceSignal(
    work,
    signal,
    () =>
      new TimeoutError(
        'sessions',
        'Gave up waiting for a session refresh',
        'Renewing your session took too long. Please try again.',
      ),
  );
}

/**
 * Creates the session manager: validity from the JWT `exp` (jose `decodeJwt`), refresh 60 s
 * ahead, one refresh per user at a time (in-process single-flight plus the store's lock across
 * processes), rotation of refresh tokens, fallback to the SSO link, and clearing with a clear
 * message when nothing works.
 *
 * @example
 * const manager = createSessionManager({ store, providers: [createAuthServiceClient({ url })] });
 * const session = await manager.current(message.sender, { signal });
 */
export function createSessionManager(options: SessionManagerOptions): SessionManager {
  const { store } = options;
  if (options.providers.length === 0) throw new TypeError('createSessionManager needs at least one auth provider');
  const now = options.now ?? Date.now;
  const aheadMs = options.refreshAheadMs ?? 60_000;
  const ttlMs = options.sessionTtlMs ?? SESSION_TTL_MS;
  const lockTtlMs = options.lockTtlMs ?? 15_000;
  const lockPollMs = options.lockPollMs ?? 50;
  const lock = store.lock ?? createMemoryLock();
  const log = options.logger?.child({ component: 'sessions' });
  const singleFlight = createSingleFlight<Session | undefined>();
  // jose's verifier loads only when verification is configured, on the first token it checks.
  const verifier = options.verify
    ? Promise.all([import('jose/jwks/remote'), import('jose/jwt/verify')]).then(
        ([{ createRemoteJWKSet }, { jwtVerify }]) => ({
          jwks: createRemoteJWKSet(new URL(options.verify?.jwksUrl ?? '')),
          jwtVerify,
        }),
      )
    : undefined;
  const fresh = (session: Session): boolean => isTokenFresh(session.accessToken, now(), aheadMs);
  const providerOf = (session: Session): AuthProvider =>
    options.providers.find((p) => p.name === session.provider) ?? (options.providers[0] as AuthProvider);

  async function verified(result: LoginResult): Promise<LoginResult> {
    if (!verifier) return result;
    try {
      const { jwks, jwtVerify } = await verifier;
      await jwtVerify(
        result.accessToken,
        jwks,
        options.verify?.issuer !== undefined ? { issuer: options.verify.issuer } : {},
      );
      return result;
    } catch (err) {
      throw new StatsError(
        'auth',
        `The access token failed JWKS verification: ${(err as Error).message}`,
        'The auth service answered with a token the bot could not verify.',
        { cause: err },
      );
    }
  }

  async function save(user: UserRef, result: LoginResult, provider: string, previous?: Session): Promise<Session> {
    const t = now();
    const session: Session = {
      user,
      account: result.account,
      accessToken: result.accessToken,
      refreshToken: result.refreshToken,
      createdAt: previous?.createdAt ?? t,
      expiresAt: previous?.expiresAt ?? t + ttlMs,
      provider,
    };
    const left = session.expiresAt - t;
    if (left <= 0) return session;
    await store.set(user, session, left);
    return session;
  }

  async function linked(user: UserRef, signal: AbortSignal | undefined): Promise<Session | undefined> {
    for (const provider of options.providers) {
      if (!provider.linkedSession) continue;
      try {
        const result = await provider.linkedSession(user, signal ? { signal } : {});
        if (result) return await save(user, await verified(result), provider.name);
      } catch (err) {
        log?.warn({ err, user: userKey(user) }, 'SSO-link fallback failed');
      }
    }
    return undefined;
  }

  /** Refreshes under the lock; the stale session is the one read before taking it. */
  async function refresh(user: UserRef, stale: Session): Promise<Session | undefined> {
    const provider = providerOf(stale);
    try {
      const result = await verified(await provider.refresh(stale.refreshToken));
      options.metrics?.sessionRefreshes.inc({ outcome: 'ok' });
      log?.debug({ user: userKey(user) }, 'session refreshed');
      return await save(user, result, provider.name, stale);
    } catch (err) {
      if (!(err instanceof StatsError) || err.code !== 'auth') {
        options.metrics?.sessionRefreshes.inc({ outcome: 'error' });
        throw err;
      }
      options.metrics?.sessionRefreshes.inc({ outcome: 'rejected' });
      const viaLink = await linked(user, undefined);
      if (viaLink) {
        options.metrics?.sessionRefreshes.inc({ outcome: 'linked' });
        log?.info({ user: userKey(user) }, 'refresh rejected; session renewed through the SSO link');
        return viaLink;
      }
      await store.delete(user);
      log?.info({ user: userKey(user) }, 'refresh rejected and no SSO link; session cleared');
      throw new StatsError(
        'not_logged_in',
        'Session cleared: refresh rejected and no SSO link',
        SESSION_EXPIRED_MESSAGE,
        { cause: err },
      );
    }
  }

  async function renew(user: UserRef): Promise<Session | undefined> {
    const deadline = Date.now() + lockTtlMs;
    for (;;) {
      const release = await lock.tryAcquire(user, lockTtlMs);
      if (release) {
        try {
          const latest = await store.get(user);
          if (!latest || fresh(latest)) return latest;
          return await refresh(user, latest);
        } finally {
          await release().catch((err: unknown) => log?.warn({ err }, 'releasing the refresh lock failed'));
        }
      }
      // Another process holds the lock and is refreshing: wait for its result in the store.
      await sleep(lockPollMs);
      const latest = await store.get(user);
      if (!latest || fresh(latest)) return latest;
      if (Date.now() > deadline)
        throw new TimeoutError(
          'sessions',
          'Waited too long for another process to refresh a session',
          'Your session is being renewed. Please try again in a moment.',
        );
    }
  }

  return {
    store,
    deviceProvider: options.providers.find((p) => p.startDeviceLogin !== undefined),
    async current(user, o) {
      const session = await store.get(user);
      if (!session || fresh(session)) return session;
      // The shared refresh runs on without this caller's signal; the caller only stops waiting.
      return untilAborted(
        singleFlight(userKey(user), () => renew(user)),
        o?.signal,
      );
    },
    async login(user, credentials, o) {
      const provider = options.providers.find((p) => p.login !== undefined);
      if (!provider?.login)
        throw new StatsError(
          'config',
          'No provider supports password login',
          'Password login is not available on this bot.',
        );
      const result = await verified(await provider.login(credentials, o));
      return save(user, result, provider.name);
    },
    async adopt(user, result, provider) {
      return save(user, await verified(result), provider);
    },
    async logout(user, o) {
      const session = await store.get(user);
      if (!session) return false;
      const provider = providerOf(session);
      try {
        await provider.logout?.(session.accessToken, o);
      } catch (err) {
        log?.warn({ err, user: userKey(user) }, 'server-side logout failed; deleting the local session anyway');
      }
      await store.delete(user);
      return true;
    },
  };
}
