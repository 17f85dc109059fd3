import { describe, expect, it } from 'vitest';
import { parseSampleValue, ResultShapeError, samplesOf, seriesOf, singleValue } from './prom-result.js';

describe('samplesOf', () => {
  it('reads a VictoriaMetrics vector answer with stats and NaN/Inf strings', () => {
    const data = {
      resultType: 'vector',
      result: [
        { metric: { job: 'a' }, value: [1738486800.5, 'NaN'] },
        { metric: { job: 'b' }, value: [1738486800.5, '+Inf'] },
        { metric: {}, value: [1738486800.5, '-Inf'] },
        { metric: { job: 'c' }, value: [1738486800.5, '42.5'] },
      ],
      stats: { seriesFetched: '4', executionTimeMsec: 1 },
    };
    const samples = samplesOf(data);
    expect(Number.isNaN(samples[0]?.value)).toBe(true);
    expect(samples[1]?.value).toBe(Infinity);
    expect(samples[2]?.value).toBe(-Infinity);
    expect(samples[3]).toEqual({ labels: { job: 'c' }, value: 42.5, timestamp: 1738486800.5 });
    expect(singleValue(samples)).toBeUndefined();
  });

  it('reads a Prometheus scalar and a matrix (last point per series)', () => {
    expect(samplesOf({ resultType: 'scalar', result: [1, '2'] })).toEqual([{ labels: {}, value: 2, timestamp: 1 }]);
    const matrix = {
      resultType: 'matrix',
      result: [
        {
          metric: { x: '1' },
          values: [
            [1, '1'],
            [2, '3'],
          ],
        },
        { metric: {}, values: [] },
      ],
    };
    expect(samplesOf(matrix)).toEqual([{ labels: { x: '1' }, value: 3, timestamp: 2 }]);
    expect(seriesOf(matrix)[0]?.points).toEqual([
      { t: 1, v: 1 },
      { t: 2, v: 3 },
    ]);
  });

  it('rejects unknown encodings', () => {
    expect(() => samplesOf({ resultType: 'histogram', result: [] })).toThrow(ResultShapeError);
    expect(() => samplesOf({ resultType: 'vector', result: [{ metric: {}, value: [1, 'abc'] }] })).toThrow(
      ResultShapeError,
    );
    expect(() => parseSampleValue(null)).toThrow(ResultShapeError);
  });
});
