import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { recordLogOutput } from '@stats/test-utils';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A TypeScript entry point running in its own Node process, on sources. */
export interface RunningProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Resolves when `pattern` shows on stdout or stderr. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code. */
  exited(): Promise<number | null>;
}

/** Starts `node --import tsx --conditions=@stats/source <file>` with `env` added. */
export function runTs(file: string, env: Record<string, string> = {}): RunningProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@stats/source', file], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    recordLogOutput(chunk.toString(), 'process stdout');
    for (const l of listeners) l();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
    recordLogOutput(chunk.toString(), 'process stderr');
    for (const l of listeners) l();
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited: () => exit,
    waitFor(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (pattern.test(out) || pattern.test(err)) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern} — stdout: ${out.slice(-500)} stderr: ${err.slice(-500)}`));
        }, timeoutMs);
        listeners.add(check);
        void exit.then(() => {
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            if (pattern.test(out) || pattern.test(err)) resolve();
            else reject(new Error(`process exited before ${pattern} — stdout: ${out.slice(-500)} stderr: ${err.slice(-500)}`));
          }
        });
        check();
      });
    },
  };
}
