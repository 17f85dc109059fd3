import { GERMAN } from './labels.js';

/** Formats numbers, changes, sizes, durations and dates for one locale and time zone. */
export interface Formatter {
  readonly locale: 'en' | 'de';
  readonly timeZone: string;
  /** What a missing figure reads as ("no data"). */
  readonly noData: string;
  /** `12,345` / `12.345`; `undefined` or non-finite → {@link Formatter.noData}. */
  number(value: number | undefined, fractionDigits?: number): string;
  /** `12.5%` / `12,5 %` from 0–100. */
  percent(value: number | undefined, fractionDigits?: number): string;
  /** Change from `previous` to `current`: `+20%`, `−5%`, `±0%`, `new` (previous was 0). */
  change(current: number, previous: number): string;
  /** `1.5 GB` (powers of 1024, labelled as usual). */
  bytes(value: number | undefined): string;
  /** `3d 4h`, `5h 12m`, `42s`. */
  duration(seconds: number | undefined): string;
  /** `Mon, 2 Feb` / `Mo., 2. Feb.` */
  day(ms: number): string;
  /** `2 Feb 2026, 09:00` in the time zone. */
  dateTime(ms: number): string;
  /** `09:00`. */
  time(ms: number): string;
  /**
   * A report text in the locale's wording: `template` is the English text, `{name}` marks a
   * value from `values` (already formatted; inserted as is, so it stays data).
   */
  t(template: string, values?: Readonly<Record<string, string>>): string;
}

const NO_DATA = { en: 'no data', de: 'keine Daten' } as const;
const NEW = { en: 'new', de: 'neu' } as const;

/**
 * Creates a {@link Formatter} for `LOCALE` (`en`, `de`) and `TZ`.
 *
 * @example
 * const fmt = createFormatter('de', 'Europe/Berlin');
 * fmt.number(12345); // '12.345'
 */
export function createFormatter(locale: 'en' | 'de' = 'en', timeZone = 'Europe/Berlin'): Formatter {
  // Intl constructors cost close to a millisecond together; each command asks for the same few.
  const key = `${locale}|${timeZone}`;
  let formatter = formatters.get(key);
  if (formatter === undefined) {
    formatter = buildFormatter(locale, timeZone);
    if (formatters.size >= 32) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
}

const formatters = new Map<string, Formatter>();

function buildFormatter(locale: 'en' | 'de', timeZone: string): Formatter {
  const numberFormats = new Map<number, Intl.NumberFormat>();
  const nf = (digits: number): Intl.NumberFormat => {
    let f = numberFormats.get(digits);
    if (f === undefined) {
      f = new Intl.NumberFormat(locale, { minimumFractionDigits: 0, maximumFractionDigits: digits });
      numberFormats.set(digits, f);
    }
    return f;
  };
  const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const signedPct = new Intl.NumberFormat(locale, {
    style: 'percent',
    maximumFractionDigits: 0,
    signDisplay: 'exceptZero',
  });
  const dayFormat = new Intl.DateTimeFormat(locale, { timeZone, weekday: 'short', day: 'numeric', month: 'short' });
  const dateTimeFormat = new Intl.DateTimeFormat(locale, {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const timeFormat = new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const noData = NO_DATA[locale];
  const finite = (v: number | undefined): v is number => v !== undefined && Number.isFinite(v);
  return {
    locale,
    timeZone,
    noData,
    number: (value, digits = 0) => (finite(value) ? nf(digits).format(value) : noData),
    percent: (value, digits = 1) =>
      finite(value)
        ? digits === 1
          ? pct.format(value / 100)
          : new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: digits }).format(value / 100)
        : noData,
    change(current, previous) {
      if (!Number.isFinite(current) || !Number.isFinite(previous)) return noData;
      const zero = locale === 'de' ? '±0 %' : '±0%';
      if (previous === 0) return current === 0 ? zero : NEW[locale];
      const ratio = (current - previous) / previous;
      return Math.round(ratio * 100) === 0 ? zero : signedPct.format(ratio).replace('-', '−');
    },
    bytes(value) {
      if (!finite(value)) return noData;
      const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
      let v = value;
      let i = 0;
      while (Math.abs(v) >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
      }
      return `${nf(v >= 100 || i === 0 ? 0 : 1).format(v)} ${units[i]}`;
    },
    duration(seconds) {
      if (!finite(seconds) || seconds < 0) return noData;
      const s = Math.floor(seconds);
      const d = Math.floor(s / 86_400);
      const h = Math.floor((s % 86_400) / 3600);
      const m = Math.floor((s % 3600) / 60);
      const dayUnit = locale === 'de' ? 'T' : 'd';
      if (d > 0) return `${d}${dayUnit} ${h}h`;
      if (h > 0) return `${h}h ${m}m`;
      if (m > 0) return `${m}m ${s % 60}s`;
      return `${s}s`;
    },
    day: (ms) => dayFormat.format(ms),
    dateTime: (ms) => dateTimeFormat.format(ms),
    time: (ms) => timeFormat.format(ms),
    t(template, values) {
      const wording = locale === 'de' ? (GERMAN[template] ?? template) : template;
      return values === undefined
        ? wording
        : wording.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
    },
  };
}
