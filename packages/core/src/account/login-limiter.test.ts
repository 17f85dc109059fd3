import { describe, expect, it } from 'vitest';
import { aggregateUsage } from './account-reports.js';
import { createLoginLimiter } from './login-limiter.js';

describe('login limiter', () => {
  it('blocks after 5 failures in 15 minutes until the oldest leaves the window', () => {
    let t = 0;
    const limiter = createLoginLimiter({ now: () => t });
    const user = { platform: 'matrix', id: '@m' };
    for (let i = 0; i < 5; i++) {
      expect(limiter.waitMs(user)).toBe(0);
      limiter.failed(user);
      t += 60_000;
    }
    expect(limiter.waitMs(user)).toBe(15 * 60_000 - 5 * 60_000);
    expect(limiter.waitMs({ platform: 'discord', id: '@m' })).toBe(0);
    t = 15 * 60_000 + 1;
    expect(limiter.waitMs(user)).toBe(0);
  });

  it('forgets failures after a successful login', () => {
    const limiter = createLoginLimiter({ maxFailures: 2 });
    const user = { platform: 'matrix', id: '@s' };
    limiter.failed(user);
    limiter.failed(user);
    expect(limiter.waitMs(user)).toBeGreaterThan(0);
    limiter.succeeded(user);
    expect(limiter.waitMs(user)).toBe(0);
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
