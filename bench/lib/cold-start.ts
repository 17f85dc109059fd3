import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** How a footprint fixture is started. */
export interface Launch {
  readonly label: string;
  /** Arguments to `node` (flags and the fixture's path). */
  readonly args: readonly string[];
  readonly cwd: string;
}

/** One cold start: wall time from spawn to ready (ms) and memory after a forced GC (bytes). */
export interface ColdStart {
  readonly readyMs: number;
  readonly rss: number;
  readonly heapUsed: number;
}

const MARKER = 'BENCH_READY ';

/**
 * Starts `node <args>` as a fresh process and resolves when it prints its `BENCH_READY` line.
 * The ready time is the child's own clock at ready (epoch, high resolution) minus the parent's
 * clock just before `spawn`: it includes Node's boot and every import, not the forced GC.
 * @throws Error when the process exits without the line or takes longer than `timeoutMs`.
 */
export function coldStart(launch: Launch, timeoutMs = 30_000): Promise<ColdStart> {
  return new Promise((resolve, reject) => {
    const spawnedAt = performance.timeOrigin + performance.now();
    const child = spawn(process.execPath, launch.args, {
      cwd: launch.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    let out = '';
    let err = '';
    let settled = false;
    const timer = setTimeout(
      () => finish(new Error(`${launch.label} was not ready within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const finish = (error: Error | undefined, result?: ColdStart): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      if (error !== undefined) reject(error);
      else if (result !== undefined) resolve(result);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const at = out.indexOf(MARKER);
      const end = at === -1 ? -1 : out.indexOf('\n', at);
      if (end === -1) return;
      const line = JSON.parse(out.slice(at + MARKER.length, end)) as { readyAt: number; rss: number; heapUsed: number };
      finish(undefined, { readyMs: line.readyAt - spawnedAt, rss: line.rss, heapUsed: line.heapUsed });
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.on('error', (error) => finish(error));
    child.on('close', (code) =>
      finish(
        new Error(
          `${launch.label} exited (${code ?? 'signal'}) before it was ready: ${err.trim().split('\n').slice(-3).join(' ')}`,
        ),
      ),
    );
  });
}
