import type { ChartSpec } from '../document/index.js';

/** The font every chart uses; DejaVu Sans ships with Debian (`fonts-dejavu-core`). */
export const CHART_FONT_FAMILY = 'DejaVu Sans';

const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2'];

/** The x labels of a spec: the union of every series' `x`, in first-seen order. */
function categories(spec: ChartSpec): string[] {
  const seen = new Set<string>();
  for (const s of spec.series) for (const p of s.points) seen.add(p.x);
  return [...seen];
}

/** The y axis labels in the spec's locale: `1.234,5` in German, `1,234.5` in English; percentages as `50 %` / `50%`. */
function axisNumber(spec: ChartSpec): (value: number) => string {
  const locale = spec.locale ?? 'en';
  const format =
    spec.unit === '%'
      ? new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 })
      : new Intl.NumberFormat(locale, { maximumFractionDigits: 2 });
  return spec.unit === '%' ? (value) => format.format(value / 100) : (value) => format.format(value);
}

/**
 * Turns a {@link ChartSpec} into an ECharts option: no animation (server side), one font,
 * a category x axis, a value y axis labelled with the unit and numbered in the spec's locale, a
 * legend when there are several series. Labels stay data: ECharts writes them as SVG text, escaped.
 */
export function chartOption(spec: ChartSpec): Record<string, unknown> {
  const xs = categories(spec);
  const percent = spec.unit === '%';
  const several = spec.series.length > 1;
  return {
    animation: false,
    backgroundColor: '#ffffff',
    color: PALETTE,
    textStyle: { fontFamily: CHART_FONT_FAMILY },
    title: {
      text: spec.title,
      left: 16,
      top: 10,
      textStyle: { fontFamily: CHART_FONT_FAMILY, fontSize: 17, fontWeight: 'normal', color: '#111827' },
    },
    legend: several ? { top: 12, right: 16, textStyle: { fontFamily: CHART_FONT_FAMILY } } : { show: false },
    grid: { left: 64, right: 24, top: 72, bottom: 40 },
    xAxis: {
      type: 'category',
      data: xs,
      axisLabel: { fontFamily: CHART_FONT_FAMILY, color: '#374151', hideOverlap: true },
    },
    yAxis: {
      type: 'value',
      min: 0,
      ...(percent ? { max: 100 } : {}),
      // A long unit goes above the axis, not into every label (it would be cut off).
      ...(spec.unit !== undefined && !percent
        ? {
            name: spec.unit,
            nameGap: 14,
            nameTextStyle: { fontFamily: CHART_FONT_FAMILY, color: '#6b7280', align: 'left' },
          }
        : {}),
      axisLabel: { fontFamily: CHART_FONT_FAMILY, color: '#374151', formatter: axisNumber(spec) },
      splitLine: { lineStyle: { color: '#e5e7eb' } },
    },
    series: spec.series.map((s) => {
      const byX = new Map(s.points.map((p) => [p.x, Number.isFinite(p.y) ? p.y : null]));
      return {
        name: s.name,
        type: spec.kind,
        data: xs.map((x) => byX.get(x) ?? null),
        ...(spec.kind === 'line'
          ? { showSymbol: xs.length <= 14, smooth: false, lineStyle: { width: 2 }, connectNulls: false }
          : { barMaxWidth: 40 }),
      };
    }),
  };
}
