import type { ILogger } from 'matrix-bot-sdk';
import { LogLevel, LogService } from './matrix-sdk.js';
import type { Logger } from '@stats/core';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/**
 * Modules whose errors the adapter handles and logs itself (every 429 or 5xx of a call is
 * retried and reported once by the adapter), so the SDK's own line is demoted to debug.
 */
const HANDLED_MODULES = new Set(['MatrixHttpClient', 'MatrixClientLite']);

function write(logger: Logger, level: Level, module: string, parts: unknown[]): void {
  const effective: Level = level === 'error' && HANDLED_MODULES.has(module) ? 'debug' : level;
  if (!logger.isLevelEnabled(effective)) return;
  const err = parts.find((part): part is Error => part instanceof Error);
  const text = parts
    .filter((part) => !(part instanceof Error))
    .map((part) => (typeof part === 'string' ? part : JSON.stringify(part)))
    .join(' ');
  const bindings = err ? { module, err } : { module };
  logger[effective](bindings, text.length > 500 ? `${text.slice(0, 500)}…` : text);
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
