import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The name of the status page's session cookie. */
export const STATUS_COOKIE = 'stats_status';

/** Constant-time equality of two strings (compared as SHA-256 digests, so lengths leak nothing). */
export function sameSecret(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The cookie's value: derived from the token, so the token itself never sits in the browser. */
export function statusCookieValue(token: string): string {
  return createHmac('sha256', token).update('stats status page v1').digest('base64url');
}

function cookie(request: IncomingMessage, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

/** True when the request carries `Authorization: Bearer <token>` or the login cookie. */
export function statusAuthorized(request: IncomingMessage, token: string): boolean {
  const header = request.headers.authorization;
  if (header !== undefined && /^Bearer\s+/i.test(header) && sameSecret(header.replace(/^Bearer\s+/i, ''), token))
    return true;
  const value = cookie(request, STATUS_COOKIE);
  return value !== undefined && sameSecret(value, statusCookieValue(token));
}
