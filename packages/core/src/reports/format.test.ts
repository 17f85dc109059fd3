import { describe, expect, it } from 'vitest';
import { createFormatter } from './format.js';
import { dayKey, lastDays, previousDays, startOfDay, today } from './time-range.js';

describe('createFormatter', () => {
  const en = createFormatter('en', 'Europe/Berlin');
  const de = createFormatter('de', 'Europe/Berlin');

  it('formats numbers and percentages per locale', () => {
    expect(en.number(12345.6)).toBe('12,346');
    expect(de.number(12345.6)).toBe('12.346');
    expect(en.number(1.234, 2)).toBe('1.23');
    expect(de.number(1.234, 2)).toBe('1,23');
    expect(en.percent(12.34)).toBe('12.3%');
    expect(de.percent(12.34)).toBe('12,3\u00a0%');
  });

  it('says "no data" for missing or non-finite figures, never 0', () => {
    expect(en.number(undefined)).toBe('no data');
    expect(en.percent(Number.NaN)).toBe('no data');
    expect(en.bytes(Infinity)).toBe('no data');
    expect(de.duration(undefined)).toBe('keine Daten');
  });

  it('describes changes: up, down, flat and new', () => {
    expect(en.change(120, 100)).toBe('+20%');
    expect(en.change(95, 100)).toBe('−5%');
    expect(en.change(100, 100)).toBe('±0%');
    expect(en.change(5, 0)).toBe('new');
    expect(en.change(0, 0)).toBe('±0%');
    expect(de.change(5, 0)).toBe('neu');
    expect(de.change(120, 100)).toBe('+20\u00a0%');
  });

  it('formats sizes and durations', () => {
    expect(en.bytes(512)).toBe('512 B');
    expect(en.bytes(1536)).toBe('1.5 KB');
    expect(en.bytes(8 * 1024 ** 3)).toBe('8 GB');
    expect(en.duration(42)).toBe('42s');
    expect(en.duration(3 * 86_400 + 4 * 3600 + 5)).toBe('3d 4h');
    expect(de.duration(3 * 86_400 + 4 * 3600)).toBe('3T 4h');
    expect(en.duration(5 * 3600 + 12 * 60)).toBe('5h 12m');
  });

  it('words report texts per locale and fills values in as given', () => {
    expect(en.t('Services: {up} up, {down} down', { up: '3', down: '1' })).toBe('Services: 3 up, 1 down');
    expect(de.t('Services: {up} up, {down} down', { up: '3', down: '{up}' })).toBe(
      'Dienste: 3 laufen, {up} ausgefallen',
    );
    expect(de.t('A text without German wording')).toBe('A text without German wording');
  });

  it('shows dates in the configured time zone', () => {
    const at = Date.parse('2026-02-01T23:30:00Z'); // already Monday in Berlin
    expect(en.day(at)).toBe('Mon, Feb 2');
    expect(createFormatter('en', 'UTC').day(at)).toBe('Sun, Feb 1');
    expect(en.time(at)).toBe('00:30');
  });
});

describe('time ranges', () => {
  it('finds midnight in the zone across DST changes', () => {
    const spring = Date.parse('2026-03-29T12:00:00Z'); // Berlin switches to CEST at 02:00
    expect(new Date(startOfDay(spring, 'Europe/Berlin')).toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(new Date(startOfDay(spring, 'Europe/Berlin', 1)).toISOString()).toBe('2026-03-29T22:00:00.000Z');
    const autumn = Date.parse('2026-10-25T12:00:00Z');
    expect(new Date(startOfDay(autumn, 'Europe/Berlin')).toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(new Date(startOfDay(autumn, 'America/New_York')).toISOString()).toBe('2026-10-25T04:00:00.000Z');
  });

  it('builds today, the last days and yesterday', () => {
    const now = Date.parse('2026-02-10T08:30:42Z');
    expect(today(now, 'Europe/Berlin')).toEqual({
      startAt: Date.parse('2026-02-09T23:00:00Z'),
      endAt: Date.parse('2026-02-10T08:30:00Z'),
    });
    expect(lastDays(now, 7).endAt - lastDays(now, 7).startAt).toBe(7 * 86_400_000);
    const yesterday = previousDays(now, 'Europe/Berlin', 1);
    expect(dayKey(yesterday.startAt, 'Europe/Berlin')).toBe('2026-02-09');
    expect(yesterday.endAt - yesterday.startAt).toBe(86_400_000);
  });
});
