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
}

/** What commands need of the session service. */
export interface SessionService {
  /**
   * The user's usable session, refreshed when its access token is near expiry, or
   * `undefined` when the user is not logged in (or the session could not be renewed).
   */
  current(user: UserRef, options?: { readonly signal?: AbortSignal }): Promise<Session | undefined>;
}
