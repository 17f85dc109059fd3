import { createRequire } from 'node:module';

const requireCjs = createRequire(import.meta.url);
let nodeCron: typeof import('node-cron') | undefined;
/** node-cron's parser, loaded when the first schedule is parsed (a bot without schedules never loads it). */
function cron(): typeof import('node-cron') {
  nodeCron ??= requireCjs('node-cron') as typeof import('node-cron');
  return nodeCron;
}

/**
 * A cron expression parsed once (by node-cron's parser) and ready to answer "when is the next
 * run after this instant, in this time zone?" without timers, so an injected clock can drive it.
 */
export interface CronTime {
  /** The expression as given. */
  readonly expression: string;
  /** The IANA time zone the expression is read in. */
  readonly timeZone: string;
  /** The first run strictly after `after` (Unix ms), or `undefined` within the next 5 years. */
  next(after: number): number | undefined;
  /** The latest run at or before `at` (Unix ms), looking back at most `lookBackMs`. */
  previous(at: number, lookBackMs: number): number | undefined;
}

interface Fields {
  readonly second: readonly number[];
  readonly minute: readonly number[];
  readonly hour: readonly number[];
  readonly dayOfMonth: readonly (number | string)[];
  readonly month: ReadonlySet<number>;
  readonly dayOfWeek: ReadonlySet<number>;
  /** Both day fields restricted: a day matches either (Vixie cron). */
  readonly dayOr: boolean;
  readonly domRestricted: boolean;
  readonly dowRestricted: boolean;
  /** The hour field is `*`: in a repeated (fall-back) hour both occurrences run. */
  readonly everyHour: boolean;
}

const DAY_MS = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall-clock time of `instant` in `timeZone`, expressed as if it were UTC (Unix ms). */
export function wallClock(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const ms = ((instant % 1000) + 1000) % 1000;
  return Date.UTC(
    parts['year'] ?? 1970,
    (parts['month'] ?? 1) - 1,
    parts['day'] ?? 1,
    parts['hour'] ?? 0,
    parts['minute'] ?? 0,
    parts['second'] ?? 0,
    ms,
  );
}

/** The zone's offset from UTC at `instant`, in ms (Europe/Berlin in summer: 7 200 000). */
export function zoneOffset(instant: number, timeZone: string): number {
  return wallClock(instant, timeZone) - Math.floor(instant / 1000) * 1000 - (((instant % 1000) + 1000) % 1000);
}

/**
 * The instants at which the wall-clock time `wall` (as-if-UTC ms) happens in `timeZone`.
 * Usually one; two in a repeated fall-back hour (earlier first). A wall time skipped by a
 * spring-forward gap is moved forward by the gap's length (RFC 5545 and Temporal's
 * `compatible` rule), so 02:30 on the spring-forward day runs at 03:30, never not at all.
 */
export function instantsOf(wall: number, timeZone: string): number[] {
  const before = zoneOffset(wall - DAY_MS, timeZone);
  const after = zoneOffset(wall + DAY_MS, timeZone);
  const found = new Set<number>();
  for (const offset of [before, after]) {
    const instant = wall - offset;
    if (wallClock(instant, timeZone) === wall) found.add(instant);
  }
  if (found.size === 0) return [wall - before];
  return [...found].sort((a, b) => a - b);
}

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function dayMatches(fields: Fields, year: number, month: number, day: number): boolean {
  if (!fields.month.has(month)) return false;
  const dom = fields.dayOfMonth.some((d) => d === day || (d === 'L' && day === lastDayOfMonth(year, month)));
  const dow = fields.dayOfWeek.has(new Date(Date.UTC(year, month - 1, day)).getUTCDay());
  if (fields.dayOr) return dom || dow;
  return (fields.domRestricted ? dom : true) && (fields.dowRestricted ? dow : true);
}

function parseFields(expression: string): Fields {
  const parsed = cron().parse(expression);
  const raw = expression.trim().split(/\s+/);
  const offset = raw.length === 6 ? 1 : 0;
  const unrestricted = (v: string | undefined): boolean => v === '*' || v === '?';
  const domRestricted = !unrestricted(raw[2 + offset]);
  const dowRestricted = !unrestricted(raw[4 + offset]);
  const dayOfWeek = new Set(parsed.dayOfWeek.filter((d): d is number => typeof d === 'number').map((d) => d % 7));
  return {
    second: [...parsed.second].sort((a, b) => a - b),
    minute: [...parsed.minute].sort((a, b) => a - b),
    hour: [...parsed.hour].sort((a, b) => a - b),
    dayOfMonth: parsed.dayOfMonth,
    month: new Set(parsed.month),
    dayOfWeek,
    dayOr: domRestricted && dowRestricted,
    domRestricted,
    dowRestricted,
    everyHour: parsed.hour.length === 24,
  };
}

/** The runs of one local day, as instants, ascending. */
function runsOfDay(fields: Fields, dayStartWall: number, timeZone: string): number[] {
  const runs: number[] = [];
  // Most days lie far from a DST change: one offset then serves every run of the day, and a
  // per-second schedule costs 86,400 subtractions instead of 345,600 Intl calls.
  const offset = zoneOffset(dayStartWall - DAY_MS, timeZone);
  if (offset === zoneOffset(dayStartWall + 2 * DAY_MS, timeZone)) {
    for (const h of fields.hour) {
      for (const m of fields.minute) {
        for (const s of fields.second) runs.push(dayStartWall + h * 3_600_000 + m * 60_000 + s * 1000 - offset);
      }
    }
    return runs.sort((a, b) => a - b);
  }
  for (const h of fields.hour) {
    for (const m of fields.minute) {
      for (const s of fields.second) {
        const instants = instantsOf(dayStartWall + h * 3_600_000 + m * 60_000 + s * 1000, timeZone);
        const first = instants[0];
        if (first === undefined) continue;
        runs.push(...(fields.everyHour ? instants : [first]));
      }
    }
  }
  return [...new Set(runs)].sort((a, b) => a - b);
}

/**
 * Parses a cron expression (5 fields, or 6 with seconds first) for a time zone.
 *
 * Day-light saving: a run whose wall time falls into the spring-forward gap runs once, shifted
 * forward by the gap; a run in the repeated fall-back hour runs once (its first occurrence),
 * unless the hour field is `*`, where both real hours run.
 *
 * @throws TypeError naming the expression when node-cron rejects it, or the zone is unknown.
 * @example
 * const daily = cronTime('0 9 * * *', 'Europe/Berlin');
 * new Date(daily.next(Date.now())!); // the next 09:00 in Berlin
 */
export function cronTime(expression: string, timeZone: string): CronTime {
  if (!cron().validate(expression))
    throw new TypeError(`"${expression}" is not a valid cron expression (5 or 6 fields, e.g. "0 9 * * 1")`);
  try {
    formatter(timeZone);
  } catch {
    throw new TypeError(`"${timeZone}" is not an IANA time zone such as Europe/Berlin`);
  }
  const fields = parseFields(expression);
  const dayStart = (wall: number): number => Math.floor(wall / DAY_MS) * DAY_MS;
  return {
    expression,
    timeZone,
    next(after) {
      // Start a day early: the run may lie in the previous local day's repeated hour.
      let day = dayStart(wallClock(after, timeZone)) - DAY_MS;
      for (let i = 0; i < 366 * 5 + 2; i++, day += DAY_MS) {
        const d = new Date(day);
        if (!dayMatches(fields, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())) continue;
        const run = runsOfDay(fields, day, timeZone).find((r) => r > after);
        if (run !== undefined) return run;
      }
      return undefined;
    },
    previous(at, lookBackMs) {
      const stop = at - lookBackMs;
      const last = dayStart(wallClock(stop, timeZone)) - DAY_MS;
      for (let day = dayStart(wallClock(at, timeZone)) + DAY_MS; day >= last; day -= DAY_MS) {
        const d = new Date(day);
        if (!dayMatches(fields, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())) continue;
        const runs = runsOfDay(fields, day, timeZone).filter((r) => r <= at && r >= stop);
        const latest = runs[runs.length - 1];
        if (latest !== undefined) return latest;
      }
      return undefined;
    },
  };
}
