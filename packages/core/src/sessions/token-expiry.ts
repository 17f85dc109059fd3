import { decodeJwtClaims } from './jwt-claims.js';

/**
 * When an access token expires, Unix ms, from its JWT `exp` claim (decoded, not verified);
 * `undefined` when it is not a JWT or has no `exp`.
 */
export function tokenExpiresAt(accessToken: string): number | undefined {
  const exp = decodeJwtClaims(accessToken)?.exp;
  return typeof exp === 'number' ? exp * 1000 : undefined;
}

/**
 * Whether the token can still be used at `now` without refreshing: true while more than
 * `aheadMs` remain before its `exp`. A token without a readable `exp` counts as usable (the
 * upstream will reject it if not).
 */
export function isTokenFresh(accessToken: string, now: number, aheadMs: number): boolean {
  const expiresAt = tokenExpiresAt(accessToken);
  return expiresAt === undefined || expiresAt - aheadMs > now;
}
