import { describe, expect, it } from 'vitest';
import { createIntakeGate, DEFAULT_CATCH_UP_WINDOW_MS } from './gate.js';
import type { HandledLog } from './handled-log.js';

/** A log in memory whose `add` lands only when the test releases it (a slow disk). */
function slowLog(): HandledLog & { readonly ids: Map<string, number>; release(): void; readonly forgotten: number[] } {
  const ids = new Map<string, number>();
  const forgotten: number[] = [];
  let waiting: (() => void)[] = [];
  return {
    ids,
    forgotten,
    has: (id) => ids.has(id),
    add: (id, sentAt) =>
      new Promise<void>((resolve) => {
        waiting.push(() => {
          ids.set(id, sentAt);
          resolve();
        });
      }),
    forget: (before) => void forgotten.push(before),
    release() {
      const now = waiting;
      waiting = [];
      for (const land of now) land();
    },
  };
}

const NOW = 10_000_000;

describe('createIntakeGate', () => {
  it('answers a message sent exactly at the start of the window and drops one a millisecond older', async () => {
    const handled = new Map<string, number>();
    const log: HandledLog = { has: (id) => handled.has(id), add: (id, at) => void handled.set(id, at) };
    const gate = createIntakeGate({ platform: 'telegram', log, now: () => NOW, catchUpWindowMs: 60_000 });
    expect(await gate.admit('edge', NOW - 60_000)).toBe('handle');
    expect(await gate.admit('older', NOW - 60_001)).toBe('too_old');
    // The dropped one is recorded, so it stays dropped even if the window moved.
    expect(handled.has('older')).toBe(true);
    expect(gate.cutoff(NOW - 1)).toBe(NOW - 1);
    expect(gate.cutoff()).toBe(NOW - 60_000);
  });

  it('uses the default window of five minutes', async () => {
    const gate = createIntakeGate({ platform: 'matrix', log: { has: () => false, add: () => {} }, now: () => NOW });
    expect(DEFAULT_CATCH_UP_WINDOW_MS).toBe(300_000);
    expect(gate.cutoff()).toBe(NOW - 300_000);
  });

  it('drops a message handled before, and counts it', async () => {
    const handled = new Map<string, number>([['seen', NOW]]);
    const counted: Readonly<Record<string, string | undefined>>[] = [];
    const gate = createIntakeGate({
      platform: 'discord',
      log: { has: (id) => handled.has(id), add: (id, at) => void handled.set(id, at) },
      now: () => NOW,
      metrics: {
        messagesDropped: { inc: (labels) => void counted.push({ ...labels }) },
        adapterReady: { set: () => {} },
        adapterLastSync: { set: () => {} },
        webhookRejected: { inc: () => {} },
      },
    });
    expect(await gate.admit('seen', NOW)).toBe('duplicate');
    expect(counted).toEqual([{ platform: 'discord', reason: 'duplicate' }]);
  });

  it('drops a repeated delivery that arrives while the first is still being handled', async () => {
    const log = slowLog();
    const gate = createIntakeGate({ platform: 'telegram', log, now: () => NOW });
    expect(await gate.admit('u1', NOW)).toBe('handle');
    expect(gate.inFlight).toBe(1);
    expect(await gate.admit('u1', NOW)).toBe('duplicate');
    // The handler ended; the log has not stored the id yet (a slow write).
    const finished = gate.finish('u1', NOW);
    expect(log.has('u1')).toBe(false);
    expect(await gate.admit('u1', NOW)).toBe('duplicate');
    log.release();
    await finished;
    expect(gate.inFlight).toBe(0);
    expect(await gate.admit('u1', NOW)).toBe('duplicate');
  });

  it('drops a repeated too-old delivery as a duplicate while the first is being recorded', async () => {
    const log = slowLog();
    const gate = createIntakeGate({ platform: 'telegram', log, now: () => NOW, catchUpWindowMs: 1000 });
    const first = gate.admit('old', NOW - 5000);
    expect(await gate.admit('old', NOW - 5000)).toBe('duplicate');
    log.release();
    expect(await first).toBe('too_old');
    expect(log.ids.get('old')).toBe(NOW - 5000);
  });

  it('asks the log to forget what no catch-up can bring back', () => {
    const log = slowLog();
    createIntakeGate({ platform: 'matrix', log, now: () => NOW, catchUpWindowMs: 1000 });
    expect(log.forgotten).toHaveLength(1);
    expect(log.forgotten[0]).toBeLessThan(NOW - 1000);
  });
});
