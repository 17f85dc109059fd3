import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { recordLogOutput } from '@stats/test-utils';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

/** The example running as its own process, as `pnpm start:multi` runs it. */
export interface BotProcess {
  /** The "running" log line. */
  readonly running: Record<string, unknown>;
  /** Every log line so far. */
  readonly logs: Record<string, unknown>[];
  /** Sends a signal and resolves with the exit code. */
  terminate(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Spawns `src/main.ts` with Node, tsx and the `@stats/source` condition, `env` on top of a clean
 * environment, and waits for its "multi-platform-bot running" line.
 */
export function startBotProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<BotProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=@stats/source', MAIN], {
    cwd: ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the multi-platform bot did not start within ${timeoutMs} ms:\n${JSON.stringify(logs)}`));
    }, timeoutMs);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        recordLogOutput(line, 'bot process output');
        let entry: Record<string, unknown>;
        try {
          entry = JSON.parse(line) as Record<string, unknown>;
        } catch {
          entry = { line };
        }
        logs.push(entry);
        if (entry['msg'] !== 'multi-platform-bot running') return;
        clearTimeout(timer);
        resolve({
          running: entry,
          logs,
          terminate: async (signal = 'SIGTERM') => {
            child.kill(signal);
            return exited;
          },
        });
      });
    }
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the multi-platform bot exited with ${String(code)} before it ran:\n${logs.map((l) => JSON.stringify(l)).join('\n')}`));
    });
  });
}
