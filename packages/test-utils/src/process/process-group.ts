/** True while any process of group `pgid` is alive (zombies of an exited group do not count). */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  return true;
}

/** Sends `signal` to every process of group `pgid`, ignoring a group that is gone. */
export function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/**
 * Resolves true once group `pgid` is gone, false if it is still alive after `limitMs` (then it
 * is killed, so a failing test leaves nothing behind). The limit is a stop contract (SIGTERM →
 * gone within 10 s), not a speed measurement.
 */
export async function groupGoneWithin(pgid: number, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const gone = !groupAlive(pgid);
  if (!gone) killGroup(pgid, 'SIGKILL');
  return gone;
}
