import { describe, expect, it } from 'vitest';
import type { SendLimits } from '../chat/index.js';
import { createRateLimiter, declaredSendLimits, DEFAULT_SEND_LIMITS, minimumFanOutMs } from './rate-limits.js';

/** Two buckets per room: 1/s, and 20 a minute. */
const GROUPS: SendLimits = {
  room: () => [
    { capacity: 1, perSecond: 1 },
    { capacity: 20, perSecond: 20 / 60 },
  ],
};

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

  it('applies every bucket of a room: a group limit of 20 per minute', () => {
    const limiter = createRateLimiter({ telegram: GROUPS });
    const slots = Array.from({ length: 60 }, () => limiter.reserve('telegram', '-100', 0));
    expect(slots[1]).toBe(1000);
    // a bucket of 20 refilled every 3 s: after the burst, one message per 3 s
    expect(slots[59]).toBe((60 - 20) * 3000);
  });

  it('does not throttle a platform without limits', () => {
    expect(createRateLimiter({}).reserve('memory', 'r', 5)).toBe(5);
  });

  it('computes the minimum time of a fan-out', () => {
    const discord: SendLimits = {
      global: { capacity: 50, perSecond: 50 },
      room: () => [{ capacity: 5, perSecond: 1 }],
    };
    const rooms = Array.from({ length: 100 }, (_, i) => String(i));
    expect(minimumFanOutMs(discord, rooms)).toBeCloseTo(1000, -1);
  });
});

describe('declaredSendLimits', () => {
  it("takes each adapter's own limits, and the defaults for one that declares none", () => {
    const limits = declaredSendLimits([{ platform: 'telegram', sendLimits: GROUPS }, { platform: 'other' }]);
    expect(limits['telegram']).toBe(GROUPS);
    expect(limits['other']).toBe(DEFAULT_SEND_LIMITS);
    expect(Object.keys(limits)).toEqual(['telegram', 'other']);
  });
});
