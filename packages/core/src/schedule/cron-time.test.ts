import { describe, expect, it } from 'vitest';
import { cronTime, instantsOf, wallClock } from './cron-time.js';

const BERLIN = 'Europe/Berlin';
const iso = (ms: number | undefined): string => (ms === undefined ? 'none' : new Date(ms).toISOString());

/** Every run in [from, to), following `next`. */
function runs(expression: string, from: string, to: string, tz = BERLIN): string[] {
  const cron = cronTime(expression, tz);
  const out: string[] = [];
  let t = Date.parse(from);
  for (;;) {
    const n = cron.next(t);
    if (n === undefined || n >= Date.parse(to)) return out;
    out.push(iso(n));
    t = n;
  }
}

describe('cronTime', () => {
  it('runs daily at 09:00 Berlin time in winter and in summer', () => {
    expect(runs('0 9 * * *', '2026-03-27T00:00:00Z', '2026-03-31T00:00:00Z')).toEqual([
      '2026-03-27T08:00:00.000Z',
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z', // CEST from 29 March
      '2026-03-30T07:00:00.000Z',
    ]);
  });

  it('neither skips nor doubles a 09:00 run across the October change', () => {
    expect(runs('0 9 * * *', '2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z')).toEqual([
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
  });

  it('runs a 02:30 job once on the spring-forward day, shifted past the gap', () => {
    expect(runs('30 2 * * *', '2026-03-28T00:00:00Z', '2026-03-31T00:00:00Z')).toEqual([
      '2026-03-28T01:30:00.000Z',
      '2026-03-29T01:30:00.000Z', // 03:30 CEST: 02:30 does not exist
      '2026-03-30T00:30:00.000Z',
    ]);
  });

  it('runs a 02:30 job once on the fall-back day, at its first occurrence', () => {
    expect(runs('30 2 * * *', '2026-10-24T00:00:00Z', '2026-10-27T00:00:00Z')).toEqual([
      '2026-10-24T00:30:00.000Z',
      '2026-10-25T00:30:00.000Z', // 02:30 CEST, not again at 02:30 CET
      '2026-10-26T01:30:00.000Z',
    ]);
  });

  it('runs an hourly job in both real hours of the fall-back night', () => {
    expect(runs('0 * * * *', '2026-10-24T23:30:00Z', '2026-10-25T03:30:00Z')).toEqual([
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T01:00:00.000Z', // 02:00 CET
      '2026-10-25T02:00:00.000Z',
      '2026-10-25T03:00:00.000Z',
    ]);
  });

  it('runs the weekly report on Mondays only', () => {
    expect(runs('0 9 * * 1', '2026-03-20T00:00:00Z', '2026-04-10T00:00:00Z')).toEqual([
      '2026-03-23T08:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-04-06T07:00:00.000Z',
    ]);
  });

  it('finds the latest run at or before an instant', () => {
    const daily = cronTime('0 9 * * *', BERLIN);
    expect(iso(daily.previous(Date.parse('2026-03-29T07:30:00Z'), 7_200_000))).toBe('2026-03-29T07:00:00.000Z');
    expect(daily.previous(Date.parse('2026-03-29T09:30:00Z'), 7_200_000)).toBeUndefined();
    expect(iso(daily.previous(Date.parse('2026-03-29T07:00:00Z'), 0))).toBe('2026-03-29T07:00:00.000Z');
  });

  it('matches either day field when both are restricted, like Vixie cron', () => {
    expect(runs('0 0 1 * 1', '2026-06-01T00:00:00Z', '2026-06-16T00:00:00Z', 'UTC')).toEqual([
      '2026-06-08T00:00:00.000Z',
      '2026-06-15T00:00:00.000Z',
    ]);
  });

  it('reads wall clocks and gaps of a zone', () => {
    expect(iso(wallClock(Date.parse('2026-07-01T10:00:00Z'), BERLIN))).toBe('2026-07-01T12:00:00.000Z');
    expect(instantsOf(Date.parse('2026-10-25T02:30:00Z'), BERLIN).map(iso)).toEqual([
      '2026-10-25T00:30:00.000Z',
      '2026-10-25T01:30:00.000Z',
    ]);
  });

  it('rejects a bad expression and an unknown zone by name', () => {
    expect(() => cronTime('0 25 * * *', BERLIN)).toThrow(/"0 25 \* \* \*" is not a valid cron expression/);
    expect(() => cronTime('0 9 * * *', 'Mars/Olympus')).toThrow(/Mars\/Olympus/);
  });
});
