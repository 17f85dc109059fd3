/** The claims of a JWT as its payload states them; nothing in them is verified. */
export type JwtClaims = Readonly<Record<string, unknown>> & {
  readonly sub?: unknown;
  readonly exp?: unknown;
};

/**
 * The payload of a compact JWS (`header.payload.signature`): base64url-decoded and parsed as a
 * JSON object, the same reading as jose's `decodeJwt`, without loading jose. The signature is
 * **not** checked: use it for a token's own `exp` or `sub`, never to trust who sent it (verifying
 * goes through jose, loaded on that path only). `undefined` when the token is not a JWT.
 */
export function decodeJwtClaims(token: string): JwtClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const payload = parts[1] as string;
  if (payload.length === 0 || !/^[A-Za-z0-9_-]+$/.test(payload)) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as JwtClaims) : undefined;
  } catch {
    return undefined;
  }
}
