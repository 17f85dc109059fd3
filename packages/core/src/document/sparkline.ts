const BARS = '▁▂▃▄▅▆▇█';

/**
 * A one-line chart of `values` with the eight block characters `▁▂▃▄▅▆▇█`, scaled between the
 * smallest and largest finite value; `NaN` and infinities become a space. A flat series is
 * drawn at the lowest bar. Used as a chart block's text fallback.
 *
 * @example
 * sparkline([1, 5, 3, NaN, 8]) // '▁▅▃ █'
 */
export function sparkline(values: readonly number[]): string {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min;
  let out = '';
  for (const v of values) {
    if (!Number.isFinite(v)) out += ' ';
    else if (range <= 0) out += BARS[0];
    else out += BARS[Math.min(7, Math.floor(((v - min) / range) * 8))];
  }
  return out;
}
