import { pino, type Logger } from 'pino';
import { REDACT_PATHS } from './create-logger.js';

/**
 * The logger a bot uses when its author passes none: warnings and errors only, as JSON lines on
 * standard error, with the same redaction as {@link createLogger}. A library stays quiet when all
 * is well, but a command that throws is never silent to the developer.
 */
export function defaultLogger(): Logger {
  return pino(
    {
      level: 'warn',
      base: null,
      redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    pino.destination({ dest: 2, sync: true }),
  );
}
