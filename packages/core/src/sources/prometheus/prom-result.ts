/** One series' labels. Aggregations drop `__name__`; `sum(...)` gives `{}`. */
export type Labels = Readonly<Record<string, string>>;

/** One value of an instant query: NaN and ±Infinity survive (Prometheus sends them as strings). */
export interface Sample {
  readonly labels: Labels;
  readonly value: number;
  /** Unix seconds, as Prometheus sends them. */
  readonly timestamp: number;
}

/** One series of a range query. */
export interface Series {
  readonly labels: Labels;
  /** `t` in Unix seconds. */
  readonly points: readonly { readonly t: number; readonly v: number }[];
}

/** Thrown when a result is not of the documented encoding; the client wraps it. */
export class ResultShapeError extends Error {}

/** Parses a Prometheus sample value: `"1.5"`, `"NaN"`, `"+Inf"`, `"-Inf"`. */
export function parseSampleValue(raw: unknown): number {
  if (typeof raw === 'number') return raw;
  if (typeof raw !== 'string') throw new ResultShapeError('sample value is not a string');
  if (raw === '+Inf' || raw === 'Inf') return Number.POSITIVE_INFINITY;
  if (raw === '-Inf') return Number.NEGATIVE_INFINITY;
  if (raw === 'NaN') return Number.NaN;
  const n = Number(raw);
  if (raw.trim() === '' || Number.isNaN(n))
    throw new ResultShapeError(`sample value "${raw.slice(0, 20)}" is not a number`);
  return n;
}

function pair(value: unknown): { t: number; v: number } {
  if (!Array.isArray(value) || value.length < 2) throw new ResultShapeError('sample is not a [time, value] pair');
  const t = Number(value[0]);
  if (!Number.isFinite(t)) throw new ResultShapeError('sample time is not a number');
  return { t, v: parseSampleValue(value[1]) };
}

function labels(value: unknown): Labels {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ResultShapeError('metric is not an object');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = String(v);
  return out;
}

/**
 * Reads the `data` of a query answer as instant samples, whatever its `resultType`:
 * a vector as is, a scalar (Prometheus) as one sample with no labels (VictoriaMetrics sends
 * that as a vector already), a matrix as the last point of each series.
 */
export function samplesOf(data: unknown): Sample[] {
  if (typeof data !== 'object' || data === null) throw new ResultShapeError('data is missing');
  const { resultType, result } = data as { resultType?: unknown; result?: unknown };
  switch (resultType) {
    case 'vector': {
      if (!Array.isArray(result)) throw new ResultShapeError('vector result is not an array');
      return result.map((item: { metric?: unknown; value?: unknown }) => {
        const p = pair(item.value);
        return { labels: labels(item.metric), value: p.v, timestamp: p.t };
      });
    }
    case 'scalar':
    case 'string': {
      const p = pair(result);
      return [{ labels: {}, value: p.v, timestamp: p.t }];
    }
    case 'matrix':
      return seriesOf(data).flatMap((s) => {
        const last = s.points[s.points.length - 1];
        return last === undefined ? [] : [{ labels: s.labels, value: last.v, timestamp: last.t }];
      });
    default:
      throw new ResultShapeError(`unknown resultType ${String(resultType)}`);
  }
}

/** Reads the `data` of a range answer as series (a vector counts as one-point series). */
export function seriesOf(data: unknown): Series[] {
  if (typeof data !== 'object' || data === null) throw new ResultShapeError('data is missing');
  const { resultType, result } = data as { resultType?: unknown; result?: unknown };
  if (resultType !== 'matrix')
    return samplesOf(data).map((s) => ({ labels: s.labels, points: [{ t: s.timestamp, v: s.value }] }));
  if (!Array.isArray(result)) throw new ResultShapeError('matrix result is not an array');
  return result.map((item: { metric?: unknown; values?: unknown }) => {
    if (!Array.isArray(item.values)) throw new ResultShapeError('matrix series has no values');
    return { labels: labels(item.metric), points: item.values.map(pair) };
  });
}

/** The one value of a single-sample answer, or `undefined` when there is none or it is not finite. */
export function singleValue(samples: readonly Sample[]): number | undefined {
  const v = samples[0]?.value;
  return v === undefined || !Number.isFinite(v) ? undefined : v;
}
