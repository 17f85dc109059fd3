import { SignJWT, exportJWK, generateKeyPair, jwtVerify, type JWK, type JWTPayload, type CryptoKey } from 'jose';

/** Signs and checks EdDSA (Ed25519) access tokens like the auth service's Better Auth JWT plugin. */
export interface TokenSigner {
  readonly issuer: string;
  /** The public JWKS document (`{ keys: [...] }`). */
  readonly jwks: { readonly keys: readonly JWK[] };
  /** Signs `{ sub, email, iat, exp, iss }` valid for `ttlSeconds`. */
  sign(claims: { readonly sub: string; readonly email?: string }, ttlSeconds: number): Promise<string>;
  /** The claims of a token this signer made and that has not expired, else `undefined`. */
  verify(token: string): Promise<JWTPayload | undefined>;
}

/** Creates a fresh Ed25519 key pair and a signer for `issuer`. */
export async function createTokenSigner(issuer: string): Promise<TokenSigner> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const kid = `test-${Math.random().toString(36).slice(2, 10)}`;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' };
  let serial = 0;
  return {
    issuer,
    jwks: { keys: [jwk] },
    sign: async (claims, ttlSeconds) => {
      const now = Math.floor(Date.now() / 1000);
      const payload: JWTPayload = { email: claims.email, jti: `${kid}-${++serial}` };
      return new SignJWT(payload)
        .setProtectedHeader({ alg: 'EdDSA', kid })
        .setSubject(claims.sub)
        .setIssuer(issuer)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(privateKey as CryptoKey);
    },
    verify: async (token) => {
      try {
        return (await jwtVerify(token, publicKey as CryptoKey, { issuer })).payload;
      } catch {
        return undefined;
      }
    },
  };
}
