import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startAuthServer, type RunningAuthServer, type TestAuthUser } from '@stats/test-utils';
import {
  createAuthServiceClient,
  createMemorySessionStore,
  createMetrics,
  createSessionManager,
  StatsError,
  type SessionManager,
  type SessionStore,
  type UserRef,
} from '../../src/index.js';
import { tokenExpiresAt, SESSION_EXPIRED_MESSAGE } from '../../src/sessions/index.js';

let auth: RunningAuthServer;
let account: TestAuthUser;
const alice: UserRef = { platform: 'matrix', id: '@alice:example.org' };

beforeAll(async () => {
  auth = await startAuthServer();
  account = auth.addUser({ email: 'alice@example.org', password: 'correct horse battery staple', name: 'Alice' });
});
afterAll(() => auth.stop());
afterEach(() => auth.clearFailures());

/** A manager on the test auth service with a clock the test moves. */
function setup(extra: { store?: SessionStore; serviceKey?: boolean } = {}): {
  manager: SessionManager;
  clock: { t: number };
  store: SessionStore;
} {
  const clock = { t: Date.now() };
  const store = extra.store ?? createMemorySessionStore({ now: () => clock.t });
  const provider = createAuthServiceClient({
    url: auth.url,
    ...(extra.serviceKey ? { serviceKey: auth.serviceKey } : {}),
  });
  const manager = createSessionManager({
    store,
    providers: [provider],
    now: () => clock.t,
    metrics: createMetrics({ processMetrics: false }),
  });
  return { manager, clock, store };
}

describe('SessionManager', () => {
  let before: number;
  beforeEach(() => {
    before = auth.calls('refresh');
  });

  it('keeps the access token until 60 s before its exp, then refreshes once and rotates the refresh token', async () => {
    const { manager, clock } = setup();
    const first = await manager.login(alice, { email: account.email, password: account.password });
    const exp = tokenExpiresAt(first.accessToken) ?? 0;
    expect(exp).toBeGreaterThan(clock.t);

    clock.t = exp - 61_000;
    expect((await manager.current(alice))?.accessToken).toBe(first.accessToken);
    expect(auth.calls('refresh') - before).toBe(0);

    clock.t = exp - 59_000;
    const renewed = await manager.current(alice);
    expect(auth.calls('refresh') - before).toBe(1);
    expect(renewed?.accessToken).not.toBe(first.accessToken);
    expect(renewed?.refreshToken).not.toBe(first.refreshToken);
    expect(renewed?.account.email).toBe('alice@example.org');
    expect(renewed?.expiresAt).toBe(first.expiresAt);

    // The old refresh token is spent: the service refuses it.
    const provider = createAuthServiceClient({ url: auth.url });
    await expect(provider.refresh(first.refreshToken)).rejects.toMatchObject({ code: 'auth' });
  });

  it('makes exactly one refresh call for 1,000 concurrent uses at expiry', async () => {
    const { manager, clock } = setup();
    const first = await manager.login(alice, { email: account.email, password: account.password });
    clock.t = (tokenExpiresAt(first.accessToken) ?? 0) + 1000;
    auth.fail('refresh', { delayMs: 50 }, 1);
    const sessions = await Promise.all(Array.from({ length: 1000 }, () => manager.current(alice)));
    expect(auth.calls('refresh') - before).toBe(1);
    const tokens = new Set(sessions.map((s) => s?.accessToken));
    expect(tokens.size).toBe(1);
    expect(tokens.has(first.accessToken)).toBe(false);
  });

  it('falls back to the SSO link when the refresh is rejected', async () => {
    const { manager, clock } = setup({ serviceKey: true });
    auth.link(alice.platform, alice.id, account.email);
    const first = await manager.login(alice, { email: account.email, password: account.password });
    clock.t = (tokenExpiresAt(first.accessToken) ?? 0) + 1000;
    const linkedBefore = auth.calls('linked-session');
    auth.fail('refresh', { status: 401 }, 1);
    const renewed = await manager.current(alice);
    expect(auth.calls('linked-session') - linkedBefore).toBe(1);
    expect(renewed?.account.id).toBe(account.id);
    expect(renewed?.accessToken).not.toBe(first.accessToken);
  });

  it('clears the session and tells the user to log in again when refresh and SSO link both fail', async () => {
    const { manager, clock, store } = setup({ serviceKey: true });
    const bob: UserRef = { platform: 'telegram', id: '4711' };
    const first = await manager.login(bob, { email: account.email, password: account.password });
    clock.t = (tokenExpiresAt(first.accessToken) ?? 0) + 1000;
    auth.fail('refresh', { status: 401 }, 1);
    const error = await manager.current(bob).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(StatsError);
    expect(error).toMatchObject({ code: 'not_logged_in', userMessage: SESSION_EXPIRED_MESSAGE });
    expect(await store.get(bob)).toBeUndefined();
    expect(await manager.current(bob)).toBeUndefined();
  });

  it('keeps the session when the auth service is down during a refresh', async () => {
    const { manager, clock, store } = setup();
    const first = await manager.login(alice, { email: account.email, password: account.password });
    clock.t = (tokenExpiresAt(first.accessToken) ?? 0) + 1000;
    auth.fail('refresh', { status: 503 }, 1);
    await expect(manager.current(alice)).rejects.toMatchObject({ code: 'upstream' });
    expect((await store.get(alice))?.refreshToken).toBe(first.refreshToken);
    expect((await manager.current(alice))?.accessToken).not.toBe(first.accessToken);
  });

  it('logs out on the server and deletes the local session', async () => {
    const { manager, store } = setup();
    await manager.login(alice, { email: account.email, password: account.password });
    const calls = auth.calls('logout');
    expect(await manager.logout(alice)).toBe(true);
    expect(auth.calls('logout') - calls).toBe(1);
    expect(await store.get(alice)).toBeUndefined();
    expect(await manager.logout(alice)).toBe(false);
  });

  it('verifies new access tokens against the JWKS and the issuer', async () => {
    const store = createMemorySessionStore();
    const provider = createAuthServiceClient({ url: auth.url });
    for (const path of ['/api/auth/jwks', '/.well-known/jwks.json']) {
      const good = createSessionManager({
        store,
        providers: [provider],
        verify: { jwksUrl: auth.url + path, issuer: auth.issuer },
      });
      await expect(good.login(alice, { email: account.email, password: account.password })).resolves.toMatchObject({
        account: { id: account.id },
      });
    }
    const wrongIssuer = createSessionManager({
      store,
      providers: [provider],
      verify: { jwksUrl: `${auth.url}/api/auth/jwks`, issuer: 'https://auth.mana.how' },
    });
    await expect(wrongIssuer.login(alice, { email: account.email, password: account.password })).rejects.toMatchObject({
      code: 'auth',
    });
  });
});
