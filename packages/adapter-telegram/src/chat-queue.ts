/** Runs tasks of one key in order and tasks of different keys concurrently. */
export interface ChatQueue {
  /** Queues `task` behind the earlier tasks of `key`; it must not reject. */
  push(key: string, task: () => Promise<void>): void;
  /** Resolves when no task runs or waits. */
  idle(): Promise<void>;
}

/** A {@link ChatQueue}: one promise chain per key, dropped when its last task ends. */
export function createChatQueue(): ChatQueue {
  const tails = new Map<string, Promise<void>>();
  return {
    push(key, task) {
      const tail = (tails.get(key) ?? Promise.resolve()).then(task, task);
      tails.set(key, tail);
      const forget = (): void => {
        if (tails.get(key) === tail) tails.delete(key);
      };
      tail.then(forget, forget);
    },
    async idle() {
      while (tails.size > 0) await Promise.allSettled([...tails.values()]);
    },
  };
}
