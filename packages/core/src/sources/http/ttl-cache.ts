import { TimeoutError } from '../../errors/index.js';
import type { Metrics } from '../../metrics/index.js';
import { raceSignal } from '../../async/index.js';

/** Options of {@link createTtlCache}. */
export interface TtlCacheOptions {
  /** How long an answer is reused, in ms. `0` keeps nothing but still coalesces in-flight reads. */
  readonly ttlMs: number;
  /** The most entries kept; the oldest goes first (default 500). */
  readonly maxEntries?: number;
  /** The clock (Unix ms). */
  readonly now?: () => number;
  /** Counts reuse as `stats_upstream_requests_total{source,outcome="cached"}`. */
  readonly metrics?: Metrics | undefined;
  /** The metric's `source` label and the `source` of a {@link TimeoutError} when a caller gives up. */
  readonly source?: string;
  /** The upstream's name in the message a caller gets when its signal aborts (default: `source`). */
  readonly name?: string;
}

/** A read-through cache: answers live for a TTL; identical reads in flight share one call. */
export interface TtlCache {
  /**
   * The cached value of `key`, else the value `load` produces. While a load for `key` runs,
   * every other caller waits for that same load (one upstream call). `load` gets no caller
   * signal, so one caller giving up never fails the others; each caller's own `signal` only
   * stops its own wait. Failures are not cached.
   */
  get<T>(
    key: string,
    load: () => Promise<T>,
    options?: { readonly signal?: AbortSignal | undefined; readonly ttlMs?: number },
  ): Promise<T>;
  /** Forgets one key, or everything. */
  clear(key?: string): void;
  /** Entries held now (for tests). */
  readonly size: number;
}

/**
 * Creates a TTL cache with in-flight coalescing: 100 concurrent identical reads make one
 * upstream call.
 *
 * @example
 * const cache = createTtlCache({ ttlMs: 60_000 });
 * const sites = await cache.get('websites', () => umami.websites({ signal }), { signal });
 */
export function createTtlCache(options: TtlCacheOptions): TtlCache {
  const now = options.now ?? Date.now;
  const maxEntries = options.maxEntries ?? 500;
  const values = new Map<string, { readonly value: unknown; readonly expiresAt: number }>();
  const inFlight = new Map<string, Promise<unknown>>();

  function hit(): void {
    if (options.source !== undefined)
      options.metrics?.upstreamRequests.inc({ source: options.source, outcome: 'cached' });
  }

  return {
    get<T>(
      key: string,
      load: () => Promise<T>,
      call?: { readonly signal?: AbortSignal | undefined; readonly ttlMs?: number },
    ): Promise<T> {
      const ttl = call?.ttlMs ?? options.ttlMs;
      const cached = values.get(key);
      if (cached !== undefined) {
        if (cached.expiresAt > now()) {
          hit();
          return Promise.resolve(cached.value as T);
        }
        values.delete(key);
      }
      let pending = inFlight.get(key) as Promise<T> | undefined;
      if (pending === undefined) {
        pending = (async () => {
          try {
            const value = await load();
            if (ttl > 0) {
              values.set(key, { value, expiresAt: now() + ttl });
              while (values.size > maxEntries) {
                const oldest = values.keys().next().value;
                if (oldest === undefined) break;
                values.delete(oldest);
              }
            }
            return value;
          } finally {
            inFlight.delete(key);
          }
        })();
        inFlight.set(key, pending);
        // A caller that gives up leaves the shared load running; its failure must not go unhandled.
        pending.catch(() => undefined);
      } else {
        hit();
      }
      return raceSignal(pending, call?.signal, () => {
        const source = options.source ?? 'upstream';
        const name = options.name ?? source;
        return new TimeoutError(
          source,
          `${name}: caller gave up waiting for ${key}`,
          `${name} did not answer in time. Please try again later.`,
        );
      });
    },
    clear(key?: string): void {
      if (key === undefined) values.clear();
      else values.delete(key);
    },
    get size(): number {
      return values.size;
    },
  };
}
