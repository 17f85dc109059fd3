import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { recordLogOutput } from '@stats/test-utils';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** The example bot running as its own process. */
export interface BotProcess {
  /** The bot's HTTP base URL (`/health`, `/metrics`). */
  readonly url: string;
  /** Every log line so far (JSON objects; unparsable lines as `{ line }`). */
  readonly logs: Record<string, unknown>[];
  /** Sends a signal and resolves with the exit code and how long the exit took (ms). */
  terminate(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }>;
  /** Resolves once the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Spawns `examples/matrix-stats-bot/src/main.ts` exactly as `pnpm start:matrix` does (Node with
 * tsx and the `@stats/source` condition) with `env` on top of a clean environment, and waits
 * for its "running" line. Rejects with the log when the process exits first.
 */
export function startBotProcess(env: Record<string, string>, options: { timeoutMs?: number } = {}): Promise<BotProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', '--conditions=@stats/source', MAIN], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the example bot did not start within ${options.timeoutMs ?? 60_000} ms:\n${JSON.stringify(logs, null, 1)}`));
    }, options.timeoutMs ?? 60_000);
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on('line', (line) => {
        recordLogOutput(line, 'bot process output');
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          entry = { line };
        }
        logs.push(entry);
        if (entry['msg'] === 'matrix-stats-bot running') {
          clearTimeout(timer);
          resolve({
            url: String(entry['url']),
            logs,
            exited,
            terminate: async (signal = 'SIGTERM') => {
              const started = performance.now();
              child.kill(signal);
              const result = await exited;
              return { ...result, ms: performance.now() - started };
            },
          });
        }
      });
    }
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`the example bot exited with code ${String(code)} before it ran:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`));
    });
  });
}
