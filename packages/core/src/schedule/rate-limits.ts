import type { Platform } from '../chat/index.js';

/** A token bucket: `capacity` sends at once, refilled at `perSecond`. */
export interface BucketSpec {
  readonly capacity: number;
  readonly perSecond: number;
}

/** The buckets of one platform: one shared by every room, and those of each room. */
export interface PlatformLimits {
  /** Shared by every room of the platform (the bot's global limit); none when absent. */
  readonly global?: BucketSpec;
  /** The buckets of one room (all must have a token). */
  readonly room: (roomId: string) => readonly BucketSpec[];
}

/**
 * Each platform's published limits. Matrix (Synapse `rc_message`): 0.2/s with bursts of 10.
 * Telegram: 30 messages/s per bot, 1/s per chat, 20/min per group (negative chat ids).
 * Discord: 50 requests/s per bot, 5 per 5 s per channel.
 */
export const PUBLISHED_LIMITS: Readonly<Record<string, PlatformLimits>> = {
  matrix: { room: () => [{ capacity: 10, perSecond: 0.2 }] },
  telegram: {
    global: { capacity: 30, perSecond: 30 },
    room: (id) => (id.startsWith('-') ? [{ capacity: 1, perSecond: 1 }, { capacity: 20, perSecond: 20 / 60 }] : [{ capacity: 1, perSecond: 1 }]),
  },
  discord: { global: { capacity: 50, perSecond: 50 }, room: () => [{ capacity: 5, perSecond: 1 }] },
};

/**
 * One bucket as GCRA (the generic cell rate algorithm): a send is reserved at an instant,
 * synchronously, so concurrent senders never overdraw it and nobody polls.
 */
class Bucket {
  private tat = -Infinity;
  private readonly interval: number;
  private readonly tolerance: number;
  constructor(spec: BucketSpec) {
    this.interval = 1000 / spec.perSecond;
    this.tolerance = (spec.capacity - 1) * this.interval;
  }
  earliest(now: number): number {
    return Math.max(now, this.tat - this.tolerance);
  }
  reserve(at: number): void {
    this.tat = Math.max(this.tat, at) + this.interval;
  }
}

/** Reserves send slots under a platform's global and per-room buckets. */
export interface RateLimiter {
  /** The instant (Unix ms) at which one send to the room may go; the slot is reserved. */
  reserve(platform: Platform, roomId: string, now: number): number;
}

/**
 * Creates a limiter with per-platform limits (default {@link PUBLISHED_LIMITS}); a platform
 * without limits is not throttled.
 */
export function createRateLimiter(limits: Readonly<Record<string, PlatformLimits>> = PUBLISHED_LIMITS): RateLimiter {
  const globals = new Map<string, Bucket>();
  const rooms = new Map<string, Bucket[]>();
  return {
    reserve(platform, roomId, now) {
      const spec = limits[platform];
      if (!spec) return now;
      const buckets: Bucket[] = [];
      if (spec.global) {
        let g = globals.get(platform);
        if (!g) globals.set(platform, (g = new Bucket(spec.global)));
        buckets.push(g);
      }
      const key = `${platform}\u0000${roomId}`;
      let r = rooms.get(key);
      if (!r) rooms.set(key, (r = spec.room(roomId).map((b) => new Bucket(b))));
      buckets.push(...r);
      const at = Math.max(now, ...buckets.map((b) => b.earliest(now)));
      for (const b of buckets) b.reserve(at);
      return at;
    },
  };
}

/** The least time (ms) the limits allow for `count` sends per room to `rooms`, from full buckets. */
export function minimumFanOutMs(limits: PlatformLimits, roomIds: readonly string[], count = 1): number {
  const limiter = createRateLimiter({ x: limits });
  let end = 0;
  for (let i = 0; i < count; i++) for (const id of roomIds) end = Math.max(end, limiter.reserve('x', id, 0));
  return end;
}
