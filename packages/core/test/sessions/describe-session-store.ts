import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Session, SessionStore, UserRef } from '../../src/index.js';

/** One backing store (file, key prefix, table) under test, opened as often as a test needs. */
export interface StoreHarness {
  /** A new handle on the same backing data (a second bot process, as far as the store knows). */
  open(): Promise<SessionStore>;
  /** Lets `ms` of time pass for this store (an injected clock, or real time for native TTLs). */
  advance(ms: number): Promise<void>;
  /** Closes every handle and removes the backing data. */
  cleanup(): Promise<void>;
}

/** A session for `user` with recognisable tokens. */
export function sampleSession(user: UserRef, n = 0): Session {
  return {
    user,
    account: { id: `acc-${user.id}`, email: `${user.id}@example.org`, name: `User ${user.id}` },
    accessToken: `access-${user.id}-${n}`,
    refreshToken: `refresh-${user.id}-${n}`,
    createdAt: 1_700_000_000_000,
    expiresAt: 1_700_000_000_000 + 7 * 86_400_000,
    provider: 'auth',
  };
}

const DAY = 86_400_000;

/**
 * The conformance suite every {@link SessionStore} passes unchanged: memory, SQLite, Redis and
 * PostgreSQL. `create` makes a fresh, empty backing store per test.
 */
export function describeSessionStore(name: string, create: () => Promise<StoreHarness>): void {
  describe(`SessionStore conformance: ${name}`, () => {
    let harness: StoreHarness;
    let store: SessionStore;
    const alice: UserRef = { platform: 'matrix', id: '@alice:example.org' };
    const bob: UserRef = { platform: 'telegram', id: '42' };

    beforeEach(async () => {
      harness = await create();
      store = await harness.open();
    });
    afterEach(async () => {
      await harness.cleanup();
    });

    it('answers undefined for a user without a session', async () => {
      expect(await store.get(alice)).toBeUndefined();
      expect(await store.list()).toEqual([]);
    });

    it('returns a stored session field for field', async () => {
      await store.set(alice, sampleSession(alice), DAY);
      expect(await store.get(alice)).toEqual(sampleSession(alice));
    });

    it('replaces a session on a second set', async () => {
      await store.set(alice, sampleSession(alice, 1), DAY);
      await store.set(alice, sampleSession(alice, 2), DAY);
      expect((await store.get(alice))?.refreshToken).toBe(sampleSession(alice, 2).refreshToken);
      expect(await store.list()).toHaveLength(1);
    });

    it('keys by platform and id, so the same id on two platforms are two users', async () => {
      const matrixUser: UserRef = { platform: 'matrix', id: '42' };
      await store.set(bob, sampleSession(bob, 1), DAY);
      await store.set(matrixUser, sampleSession(matrixUser, 2), DAY);
      expect((await store.get(bob))?.accessToken).toBe('access-42-1');
      expect((await store.get(matrixUser))?.accessToken).toBe('access-42-2');
    });

    it('deletes one user and keeps the others', async () => {
      await store.set(alice, sampleSession(alice), DAY);
      await store.set(bob, sampleSession(bob), DAY);
      await store.delete(alice);
      await store.delete({ platform: 'discord', id: 'nobody' });
      expect(await store.get(alice)).toBeUndefined();
      expect((await store.list()).map((s) => s.user.id)).toEqual([bob.id]);
    });

    it('expires a session after its ttl and leaves it out of list', async () => {
      await store.set(alice, sampleSession(alice), 40);
      await store.set(bob, sampleSession(bob), DAY);
      await harness.advance(80);
      expect(await store.get(alice)).toBeUndefined();
      expect((await store.list()).map((s) => s.user.id)).toEqual([bob.id]);
    });

    it('keeps every write of concurrent writers on two handles readable', async () => {
      const other = await harness.open();
      const users = Array.from({ length: 20 }, (_, i): UserRef => ({ platform: 'discord', id: `u${i}` }));
      await Promise.all(
        users.flatMap((user, i) => [
          store.set(user, sampleSession(user, i), DAY),
          other.set(user, sampleSession(user, i + 100), DAY),
        ]),
      );
      const listed = await store.list();
      expect(listed).toHaveLength(20);
      for (const [i, user] of users.entries()) {
        const got = await other.get(user);
        expect([sampleSession(user, i).accessToken, sampleSession(user, i + 100).accessToken]).toContain(
          got?.accessToken,
        );
        expect(got?.refreshToken.replace('refresh', 'access')).toBe(got?.accessToken);
      }
    });

    it('grants a user lock to one holder at a time, across handles, until released or expired', async () => {
      const other = await harness.open();
      const lockA = store.lock;
      const lockB = other.lock;
      expect(lockA).toBeDefined();
      expect(lockB).toBeDefined();
      if (!lockA || !lockB) return;
      const attempts = await Promise.all([
        lockA.tryAcquire(alice, DAY),
        lockB.tryAcquire(alice, DAY),
        lockA.tryAcquire(alice, DAY),
      ]);
      const granted = attempts.filter((r) => r !== undefined);
      expect(granted).toHaveLength(1);
      expect(await lockB.tryAcquire(bob, DAY)).toBeDefined();
      await granted[0]?.();
      const again = await lockB.tryAcquire(alice, 40);
      expect(again).toBeDefined();
      await harness.advance(80);
      expect(await lockA.tryAcquire(alice, DAY)).toBeDefined();
    });
  });
}
