import { createTokenSigner } from '@stats/test-utils';
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { decodeJwtClaims } from './jwt-claims.js';
import { tokenExpiresAt } from './token-expiry.js';

describe('decodeJwtClaims', () => {
  it('reads the claims of a token signed by jose (the auth stand-in) exactly as jose decodes them', async () => {
    const signer = await createTokenSigner('http://auth.test');
    const token = await signer.sign({ sub: 'user-7', email: 'ünïcode@example.org' }, 900);
    const claims = decodeJwtClaims(token);
    expect(claims).toEqual(decodeJwt(token));
    expect(claims?.sub).toBe('user-7');
    expect(claims?.['email']).toBe('ünïcode@example.org');
    expect(tokenExpiresAt(token)).toBe((decodeJwt(token).exp as number) * 1000);
  });

  it('reads nothing from what is not a compact JWS with a JSON object payload', () => {
    const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const token of [
      '',
      'not-a-jwt',
      'a.b',
      `h.${part({ exp: 1 })}.s.x.y`,
      `h.${part([1, 2])}.s`,
      `h.${part('text')}.s`,
      'h.!!!.s',
      'h..s',
      `h.${Buffer.from('{oops').toString('base64url')}.s`,
    ]) {
      expect(decodeJwtClaims(token), token).toBeUndefined();
    }
    expect(decodeJwtClaims(`h.${part({ exp: 5, sub: 's' })}.`)).toEqual({ exp: 5, sub: 's' });
  });
});
