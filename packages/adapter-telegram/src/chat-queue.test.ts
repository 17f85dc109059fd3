import { describe, expect, it } from 'vitest';
import { createChatQueue } from './chat-queue.js';

/** A promise the test resolves by hand. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('chat queue', () => {
  it('runs another chat while one chat waits, and each chat in order', async () => {
    const queue = createChatQueue();
    const log: string[] = [];
    const slow = gate();
    queue.push('a', async () => {
      log.push('a1 start');
      await slow.promise;
      log.push('a1 end');
    });
    queue.push('a', async () => {
      log.push('a2');
    });
    const bDone = gate();
    queue.push('b', async () => {
      log.push('b1');
      bDone.open();
    });
    await bDone.promise;
    expect(log).toEqual(['a1 start', 'b1']);
    slow.open();
    await queue.idle();
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
  });

  it('goes on with a chat after a task failed', async () => {
    const queue = createChatQueue();
    const log: string[] = [];
    queue.push('a', () => Promise.reject(new Error('boom')));
    queue.push('a', async () => {
      log.push('a2');
    });
    await queue.idle();
    expect(log).toEqual(['a2']);
  });
});
