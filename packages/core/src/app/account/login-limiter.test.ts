import { describe, expect, it } from 'vitest';
import { aggregateUsage } from './account-reports.js';
import { createLoginLimiter } from './login-limiter.js';

describe('login limiter', () => {
  const alice = { platform: 'matrix', id: '@m' };

  it('refuses the 6th attempt of a user within 15 minutes until the window ends', async () => {
    let t = 0;
    const limiter = createLoginLimiter({ now: () => t });
    for (let i = 0; i < 5; i++) {
      const r = await limiter.reserve({ user: alice, email: `x${i}@example.org` });
      expect(r.ok).toBe(true);
      if (r.ok) await r.failed();
      t += 60_000;
    }
    expect(await limiter.reserve({ user: alice, email: 'y@example.org' })).toEqual({
      ok: false,
      retryAfterMs: 15 * 60_000 - 5 * 60_000,
    });
    expect((await limiter.reserve({ user: { platform: 'discord', id: '@m' }, email: 'y@example.org' })).ok).toBe(true);
    t = 15 * 60_000;
    expect((await limiter.reserve({ user: alice, email: 'y@example.org' })).ok).toBe(true);
  });

  it('counts an e-mail across users, trimmed and lower-cased, and reserves nothing when refused', async () => {
    const limiter = createLoginLimiter({ perEmail: 2, perUser: 1 });
    expect((await limiter.reserve({ user: { platform: 't', id: '1' }, email: ' Bob@Example.org' })).ok).toBe(true);
    expect((await limiter.reserve({ user: { platform: 't', id: '2' }, email: 'bob@example.org ' })).ok).toBe(true);
    expect((await limiter.reserve({ user: { platform: 't', id: '3' }, email: 'BOB@EXAMPLE.ORG' })).ok).toBe(false);
    // User 3 was refused on the e-mail: its own counter was not touched.
    expect((await limiter.reserve({ user: { platform: 't', id: '3' }, email: 'carol@example.org' })).ok).toBe(true);
  });

  it('forgets the user after a success and gives back an unanswered attempt', async () => {
    const limiter = createLoginLimiter({ perUser: 1 });
    const first = await limiter.reserve({ user: alice, email: 'a@example.org' });
    expect((await limiter.reserve({ user: alice, email: 'a@example.org' })).ok).toBe(false);
    if (first.ok) await first.released();
    const second = await limiter.reserve({ user: alice, email: 'a@example.org' });
    expect(second.ok).toBe(true);
    if (second.ok) await second.succeeded();
    expect((await limiter.reserve({ user: alice, email: 'a@example.org' })).ok).toBe(true);
  });
});

describe('aggregateUsage', () => {
  it('sums per app and type since a date, largest first', () => {
    const at = (d: number): string => new Date(Date.UTC(2026, 0, d)).toISOString();
    const rows = aggregateUsage(
      [
        { id: '1', type: 'usage', amount: -1, appId: 'a', description: '', createdAt: at(10) },
        { id: '2', type: 'usage', amount: -4, appId: 'a', description: '', createdAt: at(11) },
        { id: '3', type: 'usage', amount: -9, appId: 'b', description: '', createdAt: at(12) },
        { id: '4', type: 'usage', amount: -99, appId: 'c', description: '', createdAt: at(1) },
      ],
      Date.UTC(2026, 0, 5),
    );
    expect(rows).toEqual([
      { appId: 'b', type: 'usage', count: 1, amount: -9 },
      { appId: 'a', type: 'usage', count: 2, amount: -5 },
    ]);
  });
});
