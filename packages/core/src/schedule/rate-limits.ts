import type { BucketSpec, ChatAdapter, Platform, SendLimits } from '../chat/index.js';

export type { BucketSpec } from '../chat/index.js';

/** Send limits by platform, as the notifier and the rate limiters take them. */
export type SendLimitsByPlatform = Readonly<Record<string, SendLimits>>;

/**
 * The limits kept for an adapter that declares none ({@link ChatAdapter.sendLimits}): bursts of
 * 5 per room, then one message a second, and 30 a second overall. Each platform's own numbers
 * live with its adapter (`MATRIX_SEND_LIMITS`, `TELEGRAM_SEND_LIMITS`, `DISCORD_SEND_LIMITS`).
 */
export const DEFAULT_SEND_LIMITS: SendLimits = {
  global: { capacity: 30, perSecond: 30 },
  room: () => [{ capacity: 5, perSecond: 1 }],
};

/**
 * The limits the adapters declare ({@link ChatAdapter.sendLimits}), by platform;
 * {@link DEFAULT_SEND_LIMITS} for an adapter that declares none.
 */
export function declaredSendLimits(
  adapters: readonly Pick<ChatAdapter, 'platform' | 'sendLimits'>[],
): SendLimitsByPlatform {
  const limits: Record<string, SendLimits> = {};
  for (const adapter of adapters) limits[adapter.platform] = adapter.sendLimits ?? DEFAULT_SEND_LIMITS;
  return limits;
}

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
 * Creates a limiter with per-platform limits (usually {@link declaredSendLimits} of the bot's
 * adapters); a platform without limits is not throttled.
 */
export function createRateLimiter(limits: SendLimitsByPlatform = {}): RateLimiter {
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
export function minimumFanOutMs(limits: SendLimits, roomIds: readonly string[], count = 1): number {
  const limiter = createRateLimiter({ x: limits });
  let end = 0;
  for (let i = 0; i < count; i++) for (const id of roomIds) end = Math.max(end, limiter.reserve('x', id, 0));
  return end;
}
