import { describe, expect, it } from 'vitest';
import { TimeoutError } from '../../errors/index.js';
import { createMetrics } from '../../metrics/index.js';
import { createTtlCache } from './ttl-cache.js';
import { parseRetryAfter, statusUserMessage } from './upstream-errors.js';

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: Error) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('createTtlCache', () => {
  it('coalesces 100 concurrent reads into one load and counts the others as cached', async () => {
    const metrics = createMetrics({ processMetrics: false });
    const cache = createTtlCache({ ttlMs: 1000, metrics, source: 'umami' });
    let loads = 0;
    const gate = deferred<string>();
    const reads = Array.from({ length: 100 }, () =>
      cache.get('k', () => {
        loads++;
        return gate.promise;
      }),
    );
    gate.resolve('v');
    expect(new Set(await Promise.all(reads))).toEqual(new Set(['v']));
    expect(loads).toBe(1);
    expect(await metrics.registry.getSingleMetricAsString('stats_upstream_requests_total')).toContain(
      'source="umami",outcome="cached"} 99',
    );
  });

  it('reuses a value until its TTL passes on the injected clock', async () => {
    let now = 0;
    const cache = createTtlCache({ ttlMs: 1000, now: () => now });
    let loads = 0;
    const load = async (): Promise<number> => ++loads;
    expect(await cache.get('k', load)).toBe(1);
    now = 999;
    expect(await cache.get('k', load)).toBe(1);
    now = 1000;
    expect(await cache.get('k', load)).toBe(2);
  });

  it('never caches a failure', async () => {
    const cache = createTtlCache({ ttlMs: 1000 });
    await expect(cache.get('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', async () => 'up')).toBe('up');
  });

  it('lets one caller give up without failing the others or leaving a rejection unhandled', async () => {
    const cache = createTtlCache({ ttlMs: 1000, source: 'umami', name: 'Umami' });
    const gate = deferred<string>();
    const controller = new AbortController();
    const impatient = cache.get('k', () => gate.promise, { signal: controller.signal });
    const patient = cache.get('k', () => gate.promise);
    controller.abort();
    const err = (await impatient.catch((e: unknown) => e)) as TimeoutError;
    expect(err).toBeInstanceOf(TimeoutError);
    expect(err.userMessage).toBe('Umami did not answer in time. Please try again later.');
    gate.resolve('v');
    expect(await patient).toBe('v');
  });

  it('drops the oldest entries beyond maxEntries', async () => {
    const cache = createTtlCache({ ttlMs: 1000, maxEntries: 2 });
    for (const k of ['a', 'b', 'c']) await cache.get(k, async () => k);
    expect(cache.size).toBe(2);
  });
});

describe('upstream error helpers', () => {
  it('reads Retry-After as seconds or a date', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:10 GMT', 4000)).toBe(6000);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(undefined, 0)).toBeUndefined();
  });

  it('words each status for the chat, naming the upstream', () => {
    expect(statusUserMessage('Umami', 401, undefined, undefined)).toMatch(/^Umami refused/);
    expect(statusUserMessage('Umami', 429, undefined, 1500)).toBe(
      'Umami is rate limiting the bot. Please try again in 2 s.',
    );
    expect(statusUserMessage('Prometheus', 400, 'bad_data: parse error', undefined)).toBe(
      'Prometheus rejected the request (HTTP 400): bad_data: parse error',
    );
  });
});
