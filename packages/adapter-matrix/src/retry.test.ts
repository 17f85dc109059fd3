import { getEventListeners } from 'node:events';
import { isStatsError } from '@stats/core';
import { MatrixError } from './matrix-sdk.js';
import { describe, expect, it } from 'vitest';
import { inviterAllowed } from './event-intake.js';
import { classify, createRetryWaits, withRetry } from './retry.js';
import { splitPlain } from './sender.js';

describe('Matrix failures', () => {
  it('reads retry_after_ms from a 429 and sorts 401, 5xx, 403 and network errors', () => {
    expect(
      classify(new MatrixError({ errcode: 'M_LIMIT_EXCEEDED', error: 'Too Many Requests', retry_after_ms: 4793 }, 429)),
    ).toEqual({ kind: 'rate_limited', retryAfterMs: 4793, status: 429 });
    expect(classify(new MatrixError({ errcode: 'M_UNKNOWN_TOKEN', error: 'x' }, 401)).kind).toBe('unknown_token');
    expect(classify(new MatrixError({ errcode: 'M_UNKNOWN', error: 'x' }, 502)).kind).toBe('transient');
    expect(classify(new MatrixError({ errcode: 'M_FORBIDDEN', error: 'x' }, 403))).toEqual({
      kind: 'permanent',
      status: 403,
      errcode: 'M_FORBIDDEN',
    });
    expect(classify(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).kind).toBe('transient');
    expect(classify({ statusCode: 502, body: '<html>' }).kind).toBe('transient');
  });

  it('retries transient failures and gives up on permanent ones', async () => {
    let calls = 0;
    const value = await withRetry(
      async () => {
        calls += 1;
        if (calls < 3) throw new MatrixError({ errcode: 'M_UNKNOWN', error: 'x' }, 500);
        return 'ok';
      },
      { what: 'test', baseDelayMs: 1 },
    );
    expect([value, calls]).toEqual(['ok', 3]);
    let forbidden = 0;
    await expect(
      withRetry(
        async () => {
          forbidden += 1;
          throw new MatrixError({ errcode: 'M_FORBIDDEN', error: 'x' }, 403);
        },
        { what: 'test', baseDelayMs: 1 },
      ),
    ).rejects.toBeInstanceOf(MatrixError);
    expect(forbidden).toBe(1);
  });
});

describe('shared retry waits', () => {
  it('keeps one abort listener for 20 calls waiting on a 429, and gives them all up when it aborts', async () => {
    const stop = new AbortController();
    const waits = createRetryWaits(stop.signal);
    let calls = 0;
    const limited = async (): Promise<never> => {
      calls += 1;
      throw new MatrixError({ errcode: 'M_LIMIT_EXCEEDED', error: 'Too Many Requests', retry_after_ms: 600_000 }, 429);
    };
    const results = Array.from({ length: 20 }, () =>
      withRetry(limited, { what: 'send', maxDelayMs: 600_000, waits }).catch((e: unknown) => e),
    );
    while (calls < 20 || waits.waiting < 20) await new Promise((r) => setImmediate(r));
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(1);
    stop.abort();
    const errors = await Promise.all(results);
    expect(errors.every((e) => isStatsError(e) && e.code === 'rate_limited')).toBe(true);
    expect(waits.abandoned).toBe(20);
    // After the abort a 429 is given up without waiting.
    const late = await withRetry(limited, { what: 'send', maxDelayMs: 600_000, waits }).catch((e: unknown) => e);
    expect(isStatsError(late) && late.code).toBe('rate_limited');
    expect([calls, waits.abandoned, waits.waiting]).toEqual([21, 21, 0]);
  });
});

describe('invite allow-list', () => {
  it('accepts listed user ids and homeservers, and anyone without a list', () => {
    expect(inviterAllowed('@ops:example.org', ['example.org'])).toBe(true);
    expect(inviterAllowed('@ops:example.org', ['@ops:example.org'])).toBe(true);
    expect(inviterAllowed('@eve:evil.example', ['example.org', '@ops:example.org'])).toBe(false);
    expect(inviterAllowed('@eve:evil.example', undefined)).toBe(true);
  });
});

describe('plain splitting', () => {
  it('keeps every piece within the byte limit and loses nothing', () => {
    const text = Array.from({ length: 500 }, (_, i) => `line ${i} äöü`).join('\n');
    const pieces = splitPlain(text, 1000);
    for (const piece of pieces) expect(Buffer.byteLength(piece)).toBeLessThanOrEqual(1000);
    expect(pieces.join('\n')).toBe(text);
  });
});
