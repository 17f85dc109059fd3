/**
 * The log scan: every secret a test configures (tokens, passwords, webhook secrets) is
 * registered here, every log line a test produces is recorded here, and the Vitest setup file
 * (`log-scan-setup.ts`) fails the test when a recorded line contains a registered secret.
 *
 * Stand-ins register the credentials they are configured with or issue; tests add their own
 * with {@link registerSecret}. Loggers write into {@link logSink}; the spawn helpers feed the
 * output of bot processes to {@link recordLogOutput}.
 */

/** Secrets shorter than this are too likely to occur by chance ("secret", a port number). */
export const MIN_SECRET_LENGTH = 8;

interface ScanState {
  /** secret → what it is (for the failure message, which never prints the secret). */
  readonly secrets: Map<string, string>;
  /** Output recorded since the last scan, with where it came from. */
  pending: { readonly origin: string; readonly text: string }[];
  /** How many lines were recorded since the state was created (to prove the scan saw output). */
  recorded: number;
}

const KEY = Symbol.for('stats.test-utils.log-scan');

function state(): ScanState {
  const holder = globalThis as { [KEY]?: ScanState };
  holder[KEY] ??= { secrets: new Map(), pending: [], recorded: 0 };
  return holder[KEY];
}

/**
 * Registers a secret the current test file configures: from now until the file ends, a log
 * line containing it fails the test. Values shorter than {@link MIN_SECRET_LENGTH} are ignored.
 */
export function registerSecret(value: string | undefined, label = 'secret'): void {
  if (value === undefined || value.length < MIN_SECRET_LENGTH) return;
  state().secrets.set(value, label);
}

/** The secrets registered so far (labels only are printed on a hit). */
export function registeredSecrets(): ReadonlyMap<string, string> {
  return state().secrets;
}

/** Records log output (one line or many) for the next scan; `origin` says who wrote it. */
export function recordLogOutput(text: string, origin = 'logger'): void {
  const s = state();
  s.pending.push({ origin, text });
  s.recorded += 1;
}

/** The log output recorded since the last scan (the current test's), split into lines. */
export function recordedLogLines(): string[] {
  return state().pending.flatMap(({ text }) => text.split('\n').filter((line) => line !== ''));
}

/** How many chunks of log output were recorded in this file so far. */
export function recordedLogCount(): number {
  return state().recorded;
}

/**
 * A pino destination (`createLogger({ destination: logSink() })`) whose lines the scan reads.
 * `also` receives each line too (a test that asserts on its own log lines).
 *
 * @example
 * const logger = await createLogger({ level: 'debug', destination: logSink() });
 */
export function logSink(also?: (line: string) => void): { write(line: string): void } {
  return {
    write(line: string): void {
      recordLogOutput(line);
      also?.(line);
    },
  };
}

/** A secret found in log output. */
export interface LogLeak {
  readonly label: string;
  readonly origin: string;
  /** The offending line with the secret masked. */
  readonly line: string;
}

function mask(text: string, secrets: ReadonlyMap<string, string>): string {
  let out = text;
  for (const [secret, label] of secrets) out = out.split(secret).join(`<${label}>`);
  return out;
}

/** Scans the output recorded since the last scan for registered secrets, and forgets it. */
export function takeLogLeaks(): LogLeak[] {
  const s = state();
  const pending = s.pending;
  s.pending = [];
  const leaks: LogLeak[] = [];
  for (const { origin, text } of pending) {
    for (const [secret, label] of s.secrets) {
      if (!text.includes(secret)) continue;
      const line = text.split('\n').find((l) => l.includes(secret)) ?? text;
      leaks.push({ label, origin, line: mask(line, s.secrets).slice(0, 600) });
    }
  }
  return leaks;
}

/** Forgets secrets and output (the end of a test file). */
export function resetLogScan(): void {
  const s = state();
  s.secrets.clear();
  s.pending = [];
  s.recorded = 0;
}

/** The error a leak fails the test with (secrets masked). */
export function leakError(leaks: readonly LogLeak[]): Error {
  const lines = leaks.slice(0, 10).map((leak) => `  ${leak.label} in ${leak.origin}: ${leak.line}`);
  return new Error(
    `A secret reached the log output (${leaks.length} hit${leaks.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
  );
}
