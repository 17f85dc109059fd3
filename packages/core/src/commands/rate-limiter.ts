import type { RateLimitSpec } from './define-command.js';

interface Bucket {
  tokens: number;
  updatedAt: number;
  warned: boolean;
}

/** The verdict for one command. */
export type RateVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterMs: number; readonly firstRefusal: boolean };

const ALLOWED: RateVerdict = Object.freeze({ allowed: true });

/**
 * A token bucket per user: `capacity` commands in a burst, refilled at `refillPerSecond`.
 * Only the first refusal of a burst should be answered (`firstRefusal`), so a flood gets one
 * "slow down", not one per message.
 */
export class UserRateLimiter {
  readonly #buckets = new Map<string, Bucket>();
  readonly #spec: RateLimitSpec;

  constructor(spec: RateLimitSpec) {
    this.#spec = spec;
  }

  /** Takes one token for `key` at time `now` (ms). */
  take(key: string, now: number, spec: RateLimitSpec = this.#spec): RateVerdict {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      if (this.#buckets.size >= 50_000) this.#prune(now, spec);
      bucket = { tokens: spec.capacity, updatedAt: now, warned: false };
      this.#buckets.set(key, bucket);
    } else if (now > bucket.updatedAt) {
      bucket.tokens = Math.min(spec.capacity, bucket.tokens + ((now - bucket.updatedAt) / 1000) * spec.refillPerSecond);
      bucket.updatedAt = now;
    }
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      bucket.warned = false;
      return ALLOWED;
    }
    const firstRefusal = !bucket.warned;
    bucket.warned = true;
    const retryAfterMs =
      spec.refillPerSecond > 0
        ? Math.ceil(((1 - bucket.tokens) / spec.refillPerSecond) * 1000)
        : Number.POSITIVE_INFINITY;
    return { allowed: false, retryAfterMs, firstRefusal };
  }

  #prune(now: number, spec: RateLimitSpec): void {
    for (const [key, bucket] of this.#buckets) {
      const refilled = bucket.tokens + ((now - bucket.updatedAt) / 1000) * spec.refillPerSecond;
      if (refilled >= spec.capacity) this.#buckets.delete(key);
    }
  }
}
