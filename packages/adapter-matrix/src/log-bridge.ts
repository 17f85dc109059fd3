import type { ILogger } from 'matrix-bot-sdk';
import { LogLevel, LogService } from './matrix-sdk.js';
import { scrubSecrets, serializeError, type Logger } from '@stats/core';
import { matrixSdkError } from './sdk-errors.js';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/**
 * Modules whose errors the adapter handles and logs itself (every 429 or 5xx of a call is
 * retried and reported once by the adapter), so the SDK's own line is demoted to debug.
 */
const HANDLED_MODULES = new Set(['MatrixHttpClient', 'MatrixClientLite']);

function write(logger: Logger, level: Level, module: string, parts: unknown[]): void {
  const effective: Level = level === 'error' && HANDLED_MODULES.has(module) ? 'debug' : level;
  if (!logger.isLevelEnabled(effective)) return;
  // The SDK logs request errors itself, sometimes the raw response (with its Authorization
  // header): errors go through the adapter's conversion and the core's serializer, whatever
  // the serializers of the logger; text is scrubbed of credentials in URLs.
  const failure = parts.find(isFailure);
  const text = scrubSecrets(
    parts
      .filter((part) => part !== failure)
      .map(describe)
      .join(' '),
  );
  const bindings =
    failure === undefined ? { module } : { module, err: serializeError(matrixSdkError(failure, module)) };
  logger[effective](bindings, text.length > 500 ? `${text.slice(0, 500)}…` : text);
}

/** An error, or a raw HTTP response thrown as one. */
function isFailure(part: unknown): boolean {
  return (
    part instanceof Error ||
    (typeof part === 'object' && part !== null && typeof (part as { statusCode?: unknown }).statusCode === 'number')
  );
}

function describe(part: unknown): string {
  if (typeof part === 'string') return part;
  if (isFailure(part)) return JSON.stringify(serializeError(matrixSdkError(part, 'sdk')));
  try {
    return JSON.stringify(part) ?? String(part);
  } catch {
    return '[unprintable]';
  }
}

/**
 * Routes matrix-bot-sdk's logging into a pino child logger.
 *
 * matrix-bot-sdk logs through `LogService`, a static, process-wide object: there is no
 * per-client logger to hand in. So the bridge replaces the global sink: the adapter started
 * last owns the SDK's log lines (in a process with one Matrix bot, as deployed, that is the
 * only one). The SDK's level is capped at DEBUG, never TRACE: at trace the SDK prints request
 * and sync bodies, and those carry message text (a `!login` password).
 */
export function bridgeSdkLogging(logger: Logger): void {
  const child = logger.child({ component: 'matrix-bot-sdk' });
  const sink: ILogger = {
    trace: (module: string, ...parts: unknown[]) => write(child, 'debug', module, parts),
    debug: (module: string, ...parts: unknown[]) => write(child, 'debug', module, parts),
    info: (module: string, ...parts: unknown[]) => write(child, 'info', module, parts),
    warn: (module: string, ...parts: unknown[]) => write(child, 'warn', module, parts),
    error: (module: string, ...parts: unknown[]) => write(child, 'error', module, parts),
  };
  LogService.setLogger(sink);
  LogService.setLevel(logger.isLevelEnabled('debug') ? LogLevel.DEBUG : LogLevel.INFO);
}
