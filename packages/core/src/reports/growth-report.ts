import { document, type Document, sparkline } from '../document/index.js';
import type { GrowthData } from '../sources/index.js';
import type { Formatter } from './format.js';
import { dayKey, startOfDay } from './time-range.js';

/** Sums sign-ups of the days in `[fromKey, toKey)` (`YYYY-MM-DD` keys compare as text). */
function sumDays(data: GrowthData, fromKey: string, toKey: string): number {
  return data.days.filter((d) => d.day >= fromKey && d.day < toKey).reduce((sum, d) => sum + d.signups, 0);
}

/** `!growth`: total users, sign-ups today / 7 / 30 days with the change vs the period before, a 14-day chart. */
export function growthReport(data: GrowthData, fmt: Formatter, now: number): Document {
  const tz = fmt.timeZone;
  const key = (offsetDays: number): string => dayKey(startOfDay(now, tz, offsetDays), tz);
  const tomorrow = key(1);
  const today = sumDays(data, key(0), tomorrow);
  const yesterday = sumDays(data, key(-1), key(0));
  const week = sumDays(data, key(-6), tomorrow);
  const prevWeek = sumDays(data, key(-13), key(-6));
  const month = sumDays(data, key(-29), tomorrow);
  const prevMonth = sumDays(data, key(-59), key(-29));
  const doc = document().heading(fmt.t('User growth'));
  doc.fields([
    { label: fmt.t('Users'), value: fmt.number(data.total), inline: true },
    {
      label: fmt.t('Today'),
      value: fmt.t('{n} ({change} vs yesterday)', { n: fmt.number(today), change: fmt.change(today, yesterday) }),
      inline: true,
    },
    { label: fmt.t('7 days'), value: `${fmt.number(week)} (${fmt.change(week, prevWeek)})`, inline: true },
    { label: fmt.t('30 days'), value: `${fmt.number(month)} (${fmt.change(month, prevMonth)})`, inline: true },
  ]);
  const byDay = new Map(data.days.map((d) => [d.day, d.signups]));
  const last14 = Array.from({ length: 14 }, (_, i) => key(i - 13)).map((day) => ({
    x: day.slice(5),
    y: byDay.get(day) ?? 0,
  }));
  if (data.total > 0) {
    doc.chart(
      {
        kind: 'bar',
        title: fmt.t('Sign-ups per day'),
        unit: fmt.t('users'),
        locale: fmt.locale,
        series: [{ name: fmt.t('Sign-ups'), points: last14 }],
      },
      `${fmt.t('Sign-ups per day')}: ${sparkline(last14.map((p) => p.y))} ${fmt.t('(14 days)')}`,
    );
  } else {
    doc.text(fmt.t('No users yet.'));
  }
  return doc.footer(fmt.t('PostgreSQL · sign-ups per day'));
}
