import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { isAbsolute, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { recordLogOutput } from '../log-scan.js';
import { track } from './children.js';
import { killGroup } from './process-group.js';

/** The repository root: relative entry points and the default working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** One output line: the parsed JSON object, or `{ line }` for a line that is not JSON. */
export type LogEntry = Readonly<Record<string, unknown>>;

/** What a wait matches: a log's `msg` (string), the raw line (RegExp), or a predicate on the entry. */
export type LogMatch = string | RegExp | ((entry: LogEntry, line: string) => boolean);

/** How a spawned process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A process started by {@link spawnBot} or {@link spawnCommand}, its output read line by line. */
export interface BotProcess {
  readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  /** Every output line so far, stdout and stderr in arrival order. */
  readonly lines: readonly string[];
  /** The same lines parsed: JSON objects, `{ line }` for others. */
  readonly logs: readonly LogEntry[];
  /** Everything written on stdout so far. */
  stdoutText(): string;
  /** Everything written on stderr so far. */
  stderrText(): string;
  /** Calls `listener` with each new line (stdout and stderr); returns the unsubscribe. */
  onLine(listener: (line: string, entry: LogEntry) => void): () => void;
  /**
   * Resolves with the first entry (from the start, or from line index `from`) that matches;
   * rejects with the output when the process exits first or after `timeoutMs` (default 30 s;
   * a guard against a hanging test, not a timing assertion).
   */
  waitForLog(match: LogMatch, options?: { readonly timeoutMs?: number; readonly from?: number }): Promise<LogEntry>;
  /** Resolves once the process has exited. */
  readonly exited: Promise<ProcessExit>;
  /**
   * Sends `signal` (default SIGTERM; to the whole group for a detached process) and resolves
   * with how it exited and after how many milliseconds.
   */
  terminate(signal?: NodeJS.Signals): Promise<ProcessExit & { readonly ms: number }>;
}

/** Options of {@link spawnBot} and {@link spawnCommand}. */
export interface SpawnOptions {
  /** Variables on top of the base environment (an `undefined` value removes one). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * The base environment: `'clean'` (default) is PATH and HOME with HOST=127.0.0.1, PORT=0 and
   * LOG_LEVEL=info, as an operator starts a bot; `'inherit'` is the test runner's own.
   */
  readonly baseEnv?: 'clean' | 'inherit';
  /** Working directory (default the repository root). */
  readonly cwd?: string;
  /** Starts the process as the leader of its own process group (as systemd or Docker would). */
  readonly detached?: boolean;
  readonly uid?: number;
  readonly gid?: number;
  /**
   * Whether the output goes to the log scan (default true). Off only for a fixture whose stdout
   * is a protocol that carries a secret on purpose (e.g. tokens it hands back to the test).
   */
  readonly logScan?: boolean;
}

function parse(line: string): LogEntry {
  try {
    const value = JSON.parse(line) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as LogEntry;
  } catch {
    // not JSON
  }
  return { line };
}

function matcher(match: LogMatch): (entry: LogEntry, line: string) => boolean {
  if (typeof match === 'string') return (entry) => entry['msg'] === match;
  if (match instanceof RegExp) return (_entry, line) => match.test(line);
  return match;
}

function describeMatch(match: LogMatch): string {
  return typeof match === 'function'
    ? 'a matching log line'
    : typeof match === 'string'
      ? `"msg":"${match}"`
      : String(match);
}

function environment(options: SpawnOptions): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv =
    options.baseEnv === 'inherit'
      ? { ...process.env }
      : {
          PATH: process.env['PATH'] ?? '',
          HOME: process.env['HOME'] ?? '/tmp',
          HOST: '127.0.0.1',
          PORT: '0',
          LOG_LEVEL: 'info',
        };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete base[key];
    else base[key] = value;
  }
  return base;
}

/**
 * Spawns `command args` with piped stdio and reads its output as JSON log lines (each one also
 * goes to the log scan, so a registered secret in a bot's log fails the test). The process is
 * tracked: the process setup file kills it when the test file ends.
 *
 * @example
 * const bot = spawnCommand('pnpm', ['start:matrix'], { detached: true, env: { MATRIX_HOMESERVER_URL: hs.url } });
 * await bot.waitForLog('matrix-stats-bot running');
 */
export function spawnCommand(command: string, args: readonly string[], options: SpawnOptions = {}): BotProcess {
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: environment(options),
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: options.detached ?? false,
    ...(options.uid !== undefined ? { uid: options.uid } : {}),
    ...(options.gid !== undefined ? { gid: options.gid } : {}),
  });
  // A bot that exits without reading its input must not crash the test with EPIPE.
  child.stdin.on('error', () => undefined);
  const lines: string[] = [];
  const logs: LogEntry[] = [];
  let stdout = '';
  let stderr = '';
  const listeners = new Set<(line: string, entry: LogEntry) => void>();
  let startError: Error | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once('error', (error) => {
      // ENOENT and the like: say what to install rather than "exited (null)".
      startError = error;
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, signal) => resolve({ code, signal }));
  });
  const pid = child.pid ?? -1;
  const signalAll = (signal: NodeJS.Signals): void => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    if (options.detached && pid > 0) killGroup(pid, signal);
    else child.kill(signal);
  };
  track(
    {
      kill: async () => {
        signalAll('SIGKILL');
        await exited;
      },
    },
    exited,
  );
  const read = (stream: NodeJS.ReadableStream, isErr: boolean): void => {
    stream.on('data', (chunk: Buffer) => {
      if (isErr) stderr += chunk.toString();
      else stdout += chunk.toString();
    });
    createInterface({ input: stream }).on('line', (line) => {
      if (options.logScan !== false) recordLogOutput(line, 'process output');
      const entry = parse(line);
      lines.push(line);
      logs.push(entry);
      for (const listener of listeners) listener(line, entry);
    });
  };
  read(child.stdout, false);
  read(child.stderr, true);
  const tail = (): string =>
    startError !== undefined
      ? `could not start ${command} (${startError.message}): is it installed and on PATH? (node scripts/test-setup.mjs installs what the tests run)`
      : lines.slice(-40).join('\n');
  return {
    child,
    pid,
    lines,
    logs,
    stdoutText: () => stdout,
    stderrText: () => stderr,
    exited,
    onLine(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waitForLog(match, waitOptions = {}) {
      const test = matcher(match);
      const timeoutMs = waitOptions.timeoutMs ?? 30_000;
      for (let i = waitOptions.from ?? 0; i < lines.length; i++) {
        if (test(logs[i]!, lines[i]!)) return Promise.resolve(logs[i]!);
      }
      return new Promise<LogEntry>((resolve, reject) => {
        let done = false;
        const finish = (error: Error | undefined, entry?: LogEntry): void => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          listeners.delete(listener);
          if (error) reject(error);
          else resolve(entry!);
        };
        const listener = (line: string, entry: LogEntry): void => {
          if (test(entry, line)) finish(undefined, entry);
        };
        listeners.add(listener);
        const timer = setTimeout(
          () =>
            finish(
              new Error(`${command} logged no ${describeMatch(match)} within ${timeoutMs} ms; its output:\n${tail()}`),
            ),
          timeoutMs,
        );
        void exited.then(({ code, signal }) => {
          // The 'close' event comes after the last line: whatever matched has been seen.
          finish(
            new Error(
              `${command} exited (${String(code ?? signal)}) before it logged ${describeMatch(match)}; its output:\n${tail()}`,
            ),
          );
        });
      });
    },
    async terminate(signal = 'SIGTERM') {
      const started = performance.now();
      signalAll(signal);
      const result = await exited;
      return { ...result, ms: performance.now() - started };
    },
  };
}

/**
 * Spawns a TypeScript entry point (a path from the repository root, or absolute) the way the
 * `start` scripts run it: `node --import tsx --conditions=@stats/source <entry>`, on the Node
 * that runs the tests.
 *
 * @example
 * const bot = spawnBot('packages/core/test/fixtures/slow-bot.ts', { baseEnv: 'inherit' });
 * await bot.waitForLog(/ready/);
 */
export function spawnBot(entry: string, options: SpawnOptions = {}): BotProcess {
  const file = isAbsolute(entry) ? entry : join(REPO_ROOT, entry);
  return spawnCommand(process.execPath, ['--import', 'tsx', '--conditions=@stats/source', file], options);
}

/** A bot that has logged its "running" line. */
export interface RunningBot extends BotProcess {
  /** The "running" log entry. */
  readonly running: LogEntry;
  /** The `url` field of the running entry (the bot's HTTP base URL), `''` when it has none. */
  readonly url: string;
}

/** Options of {@link startBot}: the spawn options plus what "running" looks like. */
export interface StartBotOptions extends SpawnOptions {
  /** The log `msg` (or a matcher) of the running line. */
  readonly runningMessage: LogMatch;
  /** How long it may take to start (default 60 s) before it is killed and the start fails. */
  readonly timeoutMs?: number;
}

/** Resolves once `bot` logged its running line; otherwise kills it and rejects with its output. */
export async function untilRunning(
  bot: BotProcess,
  options: Pick<StartBotOptions, 'runningMessage' | 'timeoutMs'>,
): Promise<RunningBot> {
  try {
    const running = await bot.waitForLog(options.runningMessage, { timeoutMs: options.timeoutMs ?? 60_000 });
    return Object.assign(bot, { running, url: typeof running['url'] === 'string' ? running['url'] : '' });
  } catch (error) {
    await bot.terminate('SIGKILL');
    throw error;
  }
}

/**
 * {@link spawnBot} and wait for the running line.
 *
 * @example
 * const bot = await startBot('examples/matrix-stats-bot/src/main.ts', { runningMessage: 'matrix-stats-bot running', env });
 * await fetch(`${bot.url}/health`);
 */
export function startBot(entry: string, options: StartBotOptions): Promise<RunningBot> {
  return untilRunning(spawnBot(entry, options), options);
}
