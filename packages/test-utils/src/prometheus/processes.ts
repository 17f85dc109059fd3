import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';

/** A started server: where it answers and how to stop it. */
export interface RunningServer {
  readonly url: string;
  stop(): Promise<void>;
}

/** Picks a free loopback port (bind to 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Fails with the command that installs a missing Debian package. */
export function requireBinary(path: string, debianPackage: string): void {
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: run "node scripts/test-setup.mjs" (or as root: apt-get install -y ${debianPackage})`,
    );
  }
}

/** Starts a binary; the returned stop() kills it and waits for its exit. */
export function spawnServer(
  path: string,
  args: readonly string[],
): { child: ChildProcess; output: () => string; stop: () => Promise<void> } {
  const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString('utf8')).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/**
 * Polls `check` until it returns a value (not `undefined`) or `timeoutMs` passes; for waiting
 * on an external process that has no event to await (a server coming up, a first scrape).
 */
export async function pollUntil<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs: number,
  output?: () => string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline)
      throw new Error(`${what} not ready after ${timeoutMs} ms${output ? `:\n${output()}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** GETs a URL, returning status and text (no retries). */
export async function httpGet(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  return { status: res.status, text: await res.text() };
}
