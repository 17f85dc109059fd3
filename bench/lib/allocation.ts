import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { summarize } from '../harness.js';
import type { Subject } from './sequential.js';

let gc: ((options: { readonly type: 'minor' | 'major' }) => void) | undefined;

/**
 * Empties the young generation (a scavenge: fast even when the heap is large, unlike a full
 * GC), through `gc` without starting the process with `--expose-gc`.
 */
function emptyYoungGeneration(): void {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as typeof gc;
  }
  gc?.({ type: 'minor' });
}

/**
 * Heap bytes allocated per message: after a scavenge, `heapUsed` grows by what a batch of
 * messages allocates (the batch is small enough to fit the young generation, so no scavenge
 * runs within it; a batch where one did shows a smaller delta, and the median drops it).
 * This is the work the garbage collector gets per message.
 */
export async function bytesPerMessage(subject: Subject, batch = 500, batches = 15): Promise<number> {
  const perMessage: number[] = [];
  for (let b = 0; b < batches; b += 1) {
    emptyYoungGeneration();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < batch; i += 1) await subject.send(i);
    perMessage.push((process.memoryUsage().heapUsed - before) / batch);
  }
  return summarize(perMessage).median;
}
