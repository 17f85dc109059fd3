import { describe, expect, it } from 'vitest';
import { createSingleFlight } from './single-flight.js';
import { isTokenFresh, tokenExpiresAt } from './token-expiry.js';

const jwt = (claims: object): string =>
  `${Buffer.from('{"alg":"EdDSA"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('token expiry', () => {
  it('reads exp from a JWT in Unix ms', () => {
    expect(tokenExpiresAt(jwt({ exp: 1_700_000_900 }))).toBe(1_700_000_900_000);
    expect(tokenExpiresAt('not-a-jwt')).toBeUndefined();
  });

  it('counts a token as fresh until 60 s before exp', () => {
    const token = jwt({ exp: 1_700_000_900 });
    expect(isTokenFresh(token, 1_700_000_900_000 - 60_001, 60_000)).toBe(true);
    expect(isTokenFresh(token, 1_700_000_900_000 - 60_000, 60_000)).toBe(false);
  });
});

describe('single flight', () => {
  it('runs one work per key while it is in flight, then again after it settles', async () => {
    const flight = createSingleFlight<number>();
    let runs = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const work = async (): Promise<number> => {
      runs += 1;
      await gate;
      return runs;
    };
    const all = Promise.all([flight('a', work), flight('a', work), flight('b', work)]);
    release();
    expect(await all).toEqual([2, 2, 2]);
    expect(runs).toBe(2);
    await flight('a', work);
    expect(runs).toBe(3);
  });
});
