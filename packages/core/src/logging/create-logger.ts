import { createRequire } from 'node:module';
import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import { errorSerializers } from './error-serializer.js';
import { lazyLogger } from './lazy-logger.js';
import { scrubSecrets } from './scrub-secrets.js';

/** pino (CommonJS), loaded by the first logger, not when `@stats/core` is imported. */
function loadPino(): typeof import('pino').pino {
  return (createRequire(import.meta.url)('pino') as typeof import('pino')).pino;
}

/** Errors through the one serializer; a logged `url` with its credentials scrubbed. */
const SERIALIZERS = {
  ...errorSerializers,
  url: (value: unknown): unknown => (typeof value === 'string' ? scrubSecrets(value) : value),
};

/**
 * Paths pino redacts in every log line: a second net behind {@link serializeError}, which is the
 * real guard for errors (pino paths are case-sensitive and of fixed depth, so they cannot catch
 * an `Authorization` header at any depth). Redaction only sees keys: never interpolate a secret
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
  'access_token',
  '*.access_token',
  'secret_token',
  '*.secret_token',
  'payload.secret_token',
  '*.payload.secret_token',
  'headers.authorization',
  '*.headers.authorization',
  '*.*.headers.authorization',
  'headers.Authorization',
  '*.headers.Authorization',
  '*.*.headers.Authorization',
  'headers.cookie',
  '*.headers.cookie',
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
 * errors written by {@link serializeError} (no request, response, headers, payloads or URLs with
 * credentials) and passwords, tokens and `Authorization` headers redacted by key.
 *
 * @example
 * const logger = await createLogger({ level: 'info' });
 * logger.info('ready');
 */
export async function createLogger(options: CreateLoggerOptions = {}): Promise<Logger> {
  const pino = loadPino();
  const pinoOptions = loggerOptions(pino, options.level ?? 'info', options.base ?? null);
  if (options.destination !== undefined) return pino(pinoOptions, options.destination);
  const pretty = options.pretty ?? process.stderr.isTTY === true;
  if (pretty) {
    try {
      const { default: prettyFactory } = await import('pino-pretty');
      return pino(
        pinoOptions,
        prettyFactory({ destination: 2, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss' }),
      );
    } catch {
      // pino-pretty is optional: fall back to JSON lines.
    }
  }
  return pino(pinoOptions, pino.destination({ dest: 2, sync: true }));
}

/** The pino options every stats logger shares: redaction, the error serializer, ISO time. */
function loggerOptions(
  pino: typeof import('pino').pino,
  level: NonNullable<LoggerOptions['level']>,
  base: Record<string, unknown> | null,
): LoggerOptions {
  return {
    level,
    base,
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    serializers: { ...SERIALIZERS },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

/**
 * The logger a bot uses when its author passes none: warnings and errors only, as JSON lines on
 * standard error, redacted and serialized like {@link createLogger}'s. A library stays quiet
 * when all is well, but a command that throws is never silent to the developer. pino itself
 * loads with the first warning, so a bot that has none never loads it.
 */
export function defaultLogger(): Logger {
  return lazyLogger(() => {
    const pino = loadPino();
    return pino(loggerOptions(pino, 'warn', null), pino.destination({ dest: 2, sync: true }));
  }, 'warn');
}

/** A logger that writes nothing (tests, benchmarks); it never loads pino for its lines. */
export function silentLogger(): Logger {
  return lazyLogger(() => loadPino()({ level: 'silent', serializers: { ...SERIALIZERS } }), 'silent');
}

/**
 * A child of `logger` whose `err`, `error` and `cause` go through the stats error serializer.
 * `createBot` applies it to a logger handed in by a bot author, so no path logs a raw SDK error
 * (with its request headers, payload or URL) whatever the author's pino options are.
 *
 * @example
 * import { pino } from 'pino';
 * const safe = withErrorSerializers(pino());
 */
export function withErrorSerializers(logger: Logger): Logger {
  return logger.child({}, { serializers: { ...SERIALIZERS } });
}
