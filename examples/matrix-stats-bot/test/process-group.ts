import { spawn, type SpawnOptions } from 'node:child_process';
import { createInterface } from 'node:readline';

/** A process started as the leader of its own process group, as a supervisor would start it. */
export interface GroupProcess {
  readonly pid: number;
  /** Every line the group wrote on stdout and stderr. */
  readonly lines: string[];
  /** The lines written on stderr only. */
  readonly stderr: string[];
  /** The bot's "running" log entry. */
  readonly running: Record<string, unknown>;
}

/**
 * Spawns `command` detached (its own process group, the way systemd, Docker or a terminal start
 * it) and resolves once a line logs `msg: runningMessage`; rejects with the output when the
 * process exits first or after `timeoutMs`.
 */
export function spawnGroup(
  command: string,
  args: readonly string[],
  options: SpawnOptions & { readonly runningMessage: string; readonly timeoutMs?: number },
): Promise<GroupProcess> {
  const child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const stderr: string[] = [];
  return new Promise((resolve, reject) => {
    const fail = (why: string): void => reject(new Error(`${why}:\n${lines.join('\n')}`));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) killGroup(child.pid, 'SIGKILL');
      fail(`${command} did not log "${options.runningMessage}" within ${options.timeoutMs ?? 90_000} ms`);
    }, options.timeoutMs ?? 90_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      fail(String(error));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(`${command} exited (${String(code ?? signal)}) before it ran`);
    });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream! }).on('line', (line) => {
        lines.push(line);
        if (stream === child.stderr) stderr.push(line);
        let entry: unknown;
        try {
          entry = JSON.parse(line);
        } catch {
          return;
        }
        if (typeof entry === 'object' && entry !== null && (entry as Record<string, unknown>)['msg'] === options.runningMessage) {
          clearTimeout(timer);
          child.removeAllListeners('exit');
          resolve({ pid: child.pid!, lines, stderr, running: entry as Record<string, unknown> });
        }
      });
    }
  });
}

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
 * is killed, so a failing test leaves nothing behind). The limit is the bot's stop contract
 * (SIGTERM → gone within 10 s), not a speed measurement.
 */
export async function groupGoneWithin(pgid: number, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (!groupAlive(pgid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const gone = !groupAlive(pgid);
  if (!gone) killGroup(pgid, 'SIGKILL');
  return gone;
}
