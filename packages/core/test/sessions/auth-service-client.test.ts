import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type RunningAuthServer } from '@stats/test-utils';
import { createAuthServiceClient, type AuthServiceClient } from '../../src/index.js';
import { LOGIN_MESSAGES } from '../../src/sources/index.js';

let auth: RunningAuthServer;
let client: AuthServiceClient;
beforeAll(async () => {
  auth = await startAuthServer();
  auth.addUser({ email: 'carol@example.org', password: 'pw-carol-123', name: 'Carol' });
  auth.addUser({ email: 'new@example.org', password: 'pw-new-123', verified: false });
  client = createAuthServiceClient({ url: auth.url, serviceKey: auth.serviceKey });
});
afterAll(() => auth.stop());
afterEach(() => auth.clearFailures());

describe('auth service client', () => {
  it('logs in and reads the account from the answer', async () => {
    const result = await client.login({ email: 'carol@example.org', password: 'pw-carol-123' });
    expect(result.account).toMatchObject({ email: 'carol@example.org', name: 'Carol' });
    expect(result.accessToken.split('.')).toHaveLength(3);
    expect(JSON.parse(Buffer.from(result.accessToken.split('.')[0] ?? '', 'base64url').toString())).toMatchObject({
      alg: 'EdDSA',
    });
  });

  it('answers 401 as a wrong e-mail or password', async () => {
    await expect(client.login({ email: 'carol@example.org', password: 'nope' })).rejects.toMatchObject({
      code: 'auth',
      userMessage: LOGIN_MESSAGES.wrongCredentials,
    });
  });

  it('answers 403 as an unverified e-mail', async () => {
    await expect(client.login({ email: 'new@example.org', password: 'pw-new-123' })).rejects.toMatchObject({
      code: 'auth',
      userMessage: LOGIN_MESSAGES.notVerified,
    });
  });

  it('answers 429 with the wait from Retry-After, never as a wrong password', async () => {
    auth.fail('login', { status: 429, retryAfterSeconds: 42 }, 1);
    const error = await client
      .login({ email: 'carol@example.org', password: 'pw-carol-123' })
      .catch((err: unknown) => err);
    expect(error).toMatchObject({ userMessage: 'Too many login attempts. Please try again in 42 s.' });
    expect((error as { userMessage: string }).userMessage).not.toContain('Wrong');
  });

  it('never retries a login POST, not even after a 5xx', async () => {
    const before = auth.calls('login');
    auth.fail('login', { status: 502 }, 3);
    await expect(client.login({ email: 'carol@example.org', password: 'pw-carol-123' })).rejects.toMatchObject({
      code: 'upstream',
    });
    expect(auth.calls('login') - before).toBe(1);
  });

  it('reads seed 003 login answers (refresh token = session token)', async () => {
    const better = await startAuthServer({ betterAuthShape: true });
    try {
      better.addUser({ email: 'dora@example.org', password: 'pw-dora-123' });
      const c = createAuthServiceClient({ url: better.url });
      const result = await c.login({ email: 'dora@example.org', password: 'pw-dora-123' });
      expect(result.refreshToken.length).toBeGreaterThan(10);
      await expect(c.refresh(result.refreshToken)).resolves.toMatchObject({ account: { email: 'dora@example.org' } });
    } finally {
      await better.stop();
    }
  });

  it('finds the linked session of a chat user, and none for an unlinked one', async () => {
    auth.link('matrix', '@carol:example.org', 'carol@example.org');
    await expect(client.linkedSession({ platform: 'matrix', id: '@carol:example.org' })).resolves.toMatchObject({
      account: { email: 'carol@example.org' },
    });
    await expect(client.linkedSession({ platform: 'matrix', id: '@ghost:example.org' })).resolves.toBeUndefined();
  });

  it('reads the credit balance and transactions with the access token', async () => {
    const { accessToken } = await client.login({ email: 'carol@example.org', password: 'pw-carol-123' });
    auth.addTransactions('carol@example.org', [
      {
        id: 't1',
        type: 'usage',
        amount: -3,
        appId: 'chat',
        description: 'message',
        createdAt: new Date().toISOString(),
      },
    ]);
    await expect(client.balance(accessToken)).resolves.toMatchObject({ balance: 150 });
    await expect(client.transactions(accessToken)).resolves.toEqual([
      expect.objectContaining({ id: 't1', appId: 'chat', amount: -3 }),
    ]);
  });
});
