import { describe, expect, it } from 'vitest';
import { createRateLimiter, minimumFanOutMs, PUBLISHED_LIMITS } from './rate-limits.js';

describe('createRateLimiter', () => {
  it('lets a burst through and spaces the rest at the refill rate', () => {
    const limiter = createRateLimiter({ p: { room: () => [{ capacity: 2, perSecond: 1 }] } });
    const slots = [0, 1, 2, 3].map(() => limiter.reserve('p', 'r', 0));
    expect(slots).toEqual([0, 0, 1000, 2000]);
  });

  it('keeps rooms apart but shares the global bucket', () => {
    const limiter = createRateLimiter({
      p: { global: { capacity: 1, perSecond: 10 }, room: () => [{ capacity: 1, perSecond: 1 }] },
    });
    expect(limiter.reserve('p', 'a', 0)).toBe(0);
    expect(limiter.reserve('p', 'b', 0)).toBe(100);
    expect(limiter.reserve('p', 'a', 0)).toBe(1000);
  });

  it('applies the Telegram group limit of 20 per minute', () => {
    const limiter = createRateLimiter(PUBLISHED_LIMITS);
    const slots = Array.from({ length: 60 }, () => limiter.reserve('telegram', '-100', 0));
    expect(slots[1]).toBe(1000);
    // a bucket of 20 refilled every 3 s: after the burst, one message per 3 s
    expect(slots[59]).toBe((60 - 20) * 3000);
  });

  it('does not throttle a platform without limits', () => {
    expect(createRateLimiter({}).reserve('memory', 'r', 5)).toBe(5);
  });

  it('computes the minimum time of a fan-out', () => {
    const discord = PUBLISHED_LIMITS['discord'];
    if (!discord) throw new Error('discord limits missing');
    const rooms = Array.from({ length: 100 }, (_, i) => String(i));
    expect(minimumFanOutMs(discord, rooms)).toBeCloseTo(1000, -1);
  });
});
