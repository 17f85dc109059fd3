import type { HandledLog } from '@stats/core/adapter';

/**
 * The Discord adapter's handled-message log, in memory: Discord replays missed events only when
 * a session resumes, within one process, so nothing needs to survive a restart (a fresh
 * identify replays nothing). The core's intake gate asks it to forget what no catch-up can bring
 * back, which bounds it.
 */
export function createMemoryHandledLog(): HandledLog {
  const handled = new Map<string, number>();
  return {
    has: (id) => handled.has(id),
    add: (id, sentAt) => {
      handled.set(id, sentAt);
    },
    forget: (before) => {
      for (const [id, sentAt] of handled) if (sentAt < before) handled.delete(id);
    },
  };
}
