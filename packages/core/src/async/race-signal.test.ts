import { describe, expect, it, vi } from 'vitest';
import { raceSignal } from './race-signal.js';

describe('raceSignal', () => {
  it('gives the work its value when it settles first', async () => {
    const controller = new AbortController();
    await expect(raceSignal(Promise.resolve(7), controller.signal, () => new Error('gave up'))).resolves.toBe(7);
  });

  it('stops waiting at the abort while the work goes on', async () => {
    const controller = new AbortController();
    let finish: (v: number) => void = () => undefined;
    const work = new Promise<number>((resolve) => (finish = resolve));
    const raced = raceSignal(work, controller.signal, () => new Error('gave up'));
    controller.abort();
    await expect(raced).rejects.toThrow('gave up');
    finish(1);
    await expect(work).resolves.toBe(1);
  });

  it('serves a hundred callers on one signal without a MaxListeners warning', async () => {
    const warn = vi.fn();
    process.on('warning', warn);
    const controller = new AbortController();
    const never = new Promise<number>(() => undefined);
    const raced = Array.from({ length: 100 }, () => raceSignal(never, controller.signal, () => new Error('gave up')));
    controller.abort();
    const results = await Promise.allSettled(raced);
    await new Promise((resolve) => setImmediate(resolve));
    process.off('warning', warn);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(warn).not.toHaveBeenCalled();
  });
});
