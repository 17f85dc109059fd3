import type { UserRef } from '../chat/index.js';

/** The account a session belongs to, from the login answer or the token's claims. */
export interface Account {
  readonly id: string;
  readonly email?: string;
  readonly name?: string;
}

/** An authenticated chat user's session with the auth service. */
export interface Session {
  readonly user: UserRef;
  readonly account: Account;
  /** A JWT; its `exp` decides when to refresh. Never logged, stored encrypted. */
  readonly accessToken: string;
  /** Single-use; rotates on every refresh. Never logged, stored encrypted. */
  readonly refreshToken: string;
  /** Unix ms. */
  readonly createdAt: number;
  /** When the session itself ends (7 days after login), Unix ms. */
  readonly expiresAt: number;
  /** Which provider issued it (`auth` for the auth service, `oidc` for device login). */
  readonly provider?: string;
}

/**
 * Where sessions live, keyed by chat user (platform + platform user id). Four stores
 * implement it (memory, SQLite, Redis, PostgreSQL) and pass one conformance suite.
 */
export interface SessionStore {
  /** The stored session, or `undefined` when none or expired. */
  get(user: UserRef): Promise<Session | undefined>;
  /** Stores (or replaces) the session; it expires after `ttlMs`. */
  set(user: UserRef, session: Session, ttlMs: number): Promise<void>;
  delete(user: UserRef): Promise<void>;
  /** Every unexpired session. */
  list(): Promise<Session[]>;
  /** Releases connections. */
  close?(): Promise<void>;
  /**
   * A short lock per user shared by every process using the same backing store (Redis,
   * PostgreSQL, the SQLite file); the session manager takes it around a refresh so two bot
   * processes never both spend the same single-use refresh token.
   */
  readonly lock?: SessionLock;
}

/** A short, expiring lock keyed by chat user. */
export interface SessionLock {
  /**
   * Takes the lock for at most `ttlMs`. Resolves a release function, or `undefined` when
   * another holder has it.
   */
  tryAcquire(user: UserRef, ttlMs: number): Promise<(() => Promise<void>) | undefined>;
}

/** What commands need of the session service. */
export interface SessionService {
  /**
   * The user's usable session, refreshed when its access token is near expiry, or
   * `undefined` when the user is not logged in.
   *
   * @throws StatsError `not_logged_in` once, when the session expired and could neither be
   *   refreshed nor renewed through the SSO link: it is cleared and the `userMessage` tells the
   *   user to log in again. Upstream errors (`upstream`, `unreachable`, `timeout`) leave the
   *   session in place.
   */
  current(user: UserRef, options?: { readonly signal?: AbortSignal }): Promise<Session | undefined>;
}

/** Tokens and account an auth provider answers a login or refresh with. */
export interface LoginResult {
  readonly account: Account;
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** An e-mail and password login. Never logged. */
export interface Credentials {
  readonly email: string;
  readonly password: string;
}

/** Per-call options of an auth provider. */
export interface AuthCallOptions {
  readonly signal?: AbortSignal;
}

/**
 * The start of a device-authorization login (RFC 8628): what the user must open and type,
 * and the polling that ends in tokens.
 */
export interface DeviceLogin {
  readonly userCode: string;
  readonly verificationUri: string;
  /** The link with the code filled in, when the server offers it. */
  readonly verificationUriComplete?: string;
  /** When the code expires, Unix ms. */
  readonly expiresAt: number;
  /**
   * Polls the token endpoint until the user approves (resolves the tokens), denies or lets
   * the code expire (rejects with a StatsError `auth` whose `userMessage` says which).
   */
  wait(options?: AuthCallOptions): Promise<LoginResult>;
}

/** What the session manager needs of an auth service. */
export interface AuthProvider {
  /** A short name stored with the session (`auth`, `oidc`). */
  readonly name: string;
  /**
   * Logs in with e-mail and password. Never retried.
   *
   * @throws StatsError `auth` (wrong e-mail or password, e-mail not verified), `rate_limited`
   *   (too many attempts; `userMessage` says how long to wait), `upstream`/`unreachable`/`timeout`.
   */
  login?(credentials: Credentials, options?: AuthCallOptions): Promise<LoginResult>;
  /**
   * Trades a refresh token for a new pair (the old one is spent).
   *
   * @throws StatsError `auth` when the refresh token is unknown, used or expired.
   */
  refresh(refreshToken: string, options?: AuthCallOptions): Promise<LoginResult>;
  /** Ends the session on the server (best effort). */
  logout?(accessToken: string, options?: AuthCallOptions): Promise<void>;
  /** The session of the account linked to this chat user (SSO link), or `undefined`. */
  linkedSession?(user: UserRef, options?: AuthCallOptions): Promise<LoginResult | undefined>;
  /** Starts a device-authorization login. */
  startDeviceLogin?(options?: AuthCallOptions): Promise<DeviceLogin>;
}
