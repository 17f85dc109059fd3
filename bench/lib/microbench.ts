import { performance } from 'node:perf_hooks';
import { summarize } from '../harness.js';

/**
 * Times a synchronous step: `rounds` rounds of `calls` calls after a warm-up round; the median
 * of the rounds' means, in µs per call. For the parts of a path (rendering, validation), where
 * timing each call would cost more than the call.
 */
export function timeCalls(step: () => unknown, calls = 100_000, rounds = 5): number {
  let sink: unknown;
  for (let i = 0; i < calls; i += 1) sink = step();
  const means: number[] = [];
  for (let r = 0; r < rounds; r += 1) {
    const start = performance.now();
    for (let i = 0; i < calls; i += 1) sink = step();
    means.push(((performance.now() - start) * 1000) / calls);
  }
  if (sink === Symbol.for('never')) console.log(sink); // keeps the result alive
  return summarize(means).median;
}
