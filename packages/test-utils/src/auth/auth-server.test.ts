import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type RunningAuthServer } from './auth-server.js';

let auth: RunningAuthServer;
beforeAll(async () => {
  auth = await startAuthServer({ accessTtlSeconds: 120 });
  auth.addUser({ email: 'max@example.org', password: 'pw-max' });
});
afterAll(() => auth.stop());

const post = async (
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> => {
  const res = await fetch(auth.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
};

describe('test auth server', () => {
  it('signs EdDSA access tokens that verify against the JWKS at both paths, with iss and exp', async () => {
    const { body } = await post('/api/v1/auth/login', { email: 'max@example.org', password: 'pw-max' });
    const token = String(body['accessToken']);
    expect(decodeProtectedHeader(token).alg).toBe('EdDSA');
    for (const path of ['/api/auth/jwks', '/.well-known/jwks.json']) {
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(auth.url + path)), { issuer: auth.issuer });
      expect(payload.email).toBe('max@example.org');
      expect((payload.exp ?? 0) - (payload.iat ?? 0)).toBe(120);
    }
  });

  it('rotates refresh tokens: each is accepted once', async () => {
    const { body } = await post('/api/v1/auth/login', { email: 'max@example.org', password: 'pw-max' });
    const first = await post('/api/v1/auth/refresh', { refreshToken: body['refreshToken'] });
    expect(first.status).toBe(200);
    expect((await post('/api/v1/auth/refresh', { refreshToken: body['refreshToken'] })).status).toBe(401);
    expect((await post('/api/v1/auth/refresh', { refreshToken: first.body['refreshToken'] })).status).toBe(200);
  });

  it('counts calls and answers planned failures, including 429 with Retry-After', async () => {
    const before = auth.calls('login');
    auth.fail('login', { status: 429, retryAfterSeconds: 7 }, 1);
    const limited = await post('/api/v1/auth/login', { email: 'max@example.org', password: 'pw-max' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect((await post('/api/v1/auth/login', { email: 'max@example.org', password: 'pw-max' })).status).toBe(200);
    expect(auth.calls('login') - before).toBe(2);
  });

  it('refuses the SSO-link call without the service key', async () => {
    auth.link('matrix', '@max:example.org', 'max@example.org');
    expect(
      (await post('/api/v1/auth/linked-session', { platform: 'matrix', platformUserId: '@max:example.org' })).status,
    ).toBe(401);
    const ok = await post(
      '/api/v1/auth/linked-session',
      { platform: 'matrix', platformUserId: '@max:example.org' },
      { 'x-service-key': auth.serviceKey },
    );
    expect(ok.status).toBe(200);
  });
});
