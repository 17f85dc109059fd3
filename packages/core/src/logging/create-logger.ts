import { createRequire } from 'node:module';
import type { DestinationStream, Logger, LoggerOptions } from 'pino';

/** pino (CommonJS), loaded by the first logger, not when `@stats/core` is imported. */
function loadPino(): typeof import('pino').pino {
  return (createRequire(import.meta.url)('pino') as typeof import('pino')).pino;
}

/**
 * Paths pino redacts in every log line. Redaction only sees keys: never interpolate a secret
 * into a message string, and never log a message's `text` or `raw`.
 */
export const REDACT_PATHS: readonly string[] = [
  'password',
  '*.password',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'refreshToken',
  '*.refreshToken',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'headers.authorization',
  '*.headers.authorization',
  'headers["x-service-key"]',
  '*.headers["x-service-key"]',
  'headers["x-umami-api-key"]',
  '*.headers["x-umami-api-key"]',
  'text',
  '*.text',
  'raw',
  '*.raw',
];

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  readonly level?: LoggerOptions['level'];
  /** Human-readable lines (default: when the destination is a terminal). */
  readonly pretty?: boolean;
  /** Where lines go (default: standard error, so the console bot's output stays clean). */
  readonly destination?: DestinationStream;
  /** Bound to every line, e.g. `{ bot: 'matrix-stats-bot' }`. */
  readonly base?: Record<string, unknown>;
}

/**
 * Creates the bot's pino logger: JSON lines in production, pretty lines in a terminal, with
 * passwords, tokens and `Authorization` headers redacted.
 *
 * @example
 * const logger = createLogger({ level: 'info' });
 */
export async function createLogger(options: CreateLoggerOptions = {}): Promise<Logger> {
  const pino = loadPino();
  const pinoOptions: LoggerOptions = {
    level: options.level ?? 'info',
    base: options.base ?? null,
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (options.destination !== undefined) return pino(pinoOptions, options.destination);
  const pretty = options.pretty ?? process.stderr.isTTY === true;
  if (pretty) {
    try {
      const { default: prettyFactory } = await import('pino-pretty');
      return pino(pinoOptions, prettyFactory({ destination: 2, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss' }));
    } catch {
      // pino-pretty is optional: fall back to JSON lines.
    }
  }
  return pino(pinoOptions, pino.destination({ dest: 2, sync: true }));
}

/** A logger that writes nothing (tests, benchmarks). */
export function silentLogger(): Logger {
  return loadPino()({ level: 'silent' });
}
