import { pino, type Logger } from 'pino';
import { errorSerializers, REDACT_PATHS } from '../../../src/logging/index.js';
import { logSink } from '@stats/test-utils';

/** A pino logger at `trace` whose every line is kept in `lines`. */
export function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  // Configured as createLogger does, and read by the log scan too.
  const options = {
    level: 'trace',
    serializers: { ...errorSerializers },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
  };
  return {
    logger: pino(
      options,
      logSink((line) => void lines.push(line)),
    ),
    lines,
  };
}
