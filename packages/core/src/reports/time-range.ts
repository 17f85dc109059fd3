/** Wall-clock parts of `ms` in `timeZone`. */
const partFormats = new Map<string, Intl.DateTimeFormat>();

function parts(ms: number, timeZone: string): { y: number; mo: number; d: number; h: number; mi: number; s: number } {
  let f = partFormats.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    if (partFormats.size >= 32) partFormats.clear();
    partFormats.set(timeZone, f);
  }
  const list = f.formatToParts(ms);
  const get = (type: string): number => Number(list.find((p) => p.type === type)?.value ?? 0);
  return { y: get('year'), mo: get('month'), d: get('day'), h: get('hour'), mi: get('minute'), s: get('second') };
}

/** The offset of `timeZone` from UTC at `ms`, in ms (Berlin in winter: +3 600 000). */
function zoneOffset(ms: number, timeZone: string): number {
  const p = parts(ms, timeZone);
  return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - Math.floor(ms / 1000) * 1000;
}

/** Midnight of the calendar day `ms` falls on, in `timeZone`, as Unix ms (DST-safe). */
export function startOfDay(ms: number, timeZone: string, addDays = 0): number {
  const p = parts(ms, timeZone);
  const wall = Date.UTC(p.y, p.mo - 1, p.d + addDays);
  let guess = wall - zoneOffset(wall, timeZone);
  guess = wall - zoneOffset(guess, timeZone);
  return guess;
}

/** `YYYY-MM-DD` of `ms` in `timeZone`. */
export function dayKey(ms: number, timeZone: string): string {
  const p = parts(ms, timeZone);
  return `${p.y}-${String(p.mo).padStart(2, '0')}-${String(p.d).padStart(2, '0')}`;
}

/** A range in Unix ms. */
export interface TimeRange {
  readonly startAt: number;
  readonly endAt: number;
}

/** Rounds `now` down to the minute, so identical asks within a minute share cache entries. */
export function roundedNow(now: number): number {
  return Math.floor(now / 60_000) * 60_000;
}

/** The last `days` days up to `now` (rounded to the minute). */
export function lastDays(now: number, days: number): TimeRange {
  const endAt = roundedNow(now);
  return { startAt: endAt - days * 86_400_000, endAt };
}

/** Today so far, from midnight in `timeZone`. */
export function today(now: number, timeZone: string): TimeRange {
  const endAt = roundedNow(now);
  return { startAt: startOfDay(now, timeZone), endAt };
}

/** The `days` whole calendar days before the day of `now`, in `timeZone` (e.g. yesterday). */
export function previousDays(now: number, timeZone: string, days: number): TimeRange {
  const endAt = startOfDay(now, timeZone);
  return { startAt: startOfDay(now, timeZone, -days), endAt };
}
