import { describe, expect, it } from 'vitest';
import { sparkline } from './sparkline.js';

describe('sparkline', () => {
  it.each([
    [[], ''],
    [[1, 2, 3, 4, 5, 6, 7, 8], '▁▂▃▄▅▆▇█'],
    [[1, 5, 3, Number.NaN, 8], '▁▅▃ █'],
    [[4, 4, 4], '▁▁▁'],
    [[0, Number.POSITIVE_INFINITY, 10], '▁ █'],
    [[-10, 0, 10], '▁▅█'],
  ])('%j → %j', (values, expected) => {
    expect(sparkline(values)).toBe(expected);
  });
});
