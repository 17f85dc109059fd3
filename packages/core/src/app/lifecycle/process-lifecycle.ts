import type { Logger } from 'pino';
import type { Bot } from '../../bot.js';
import { loadConfig, type StatsConfig } from '../config/index.js';
import { ConfigError } from '../../errors/index.js';
import { logProcessWarnings } from './process-warnings.js';

/**
 * Reads the configuration from the environment, or prints the one error naming every bad
 * variable and exits with code 2 (a main program's first line).
 */
export function loadConfigOrExit(
  name: string,
  env: Readonly<Record<string, string | undefined>> = process.env,
): StatsConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return exitWith(name, error.message, 2);
    throw error;
  }
}

/**
 * Builds the bot, or prints the configuration problem (a missing driver, an unusable secret) as
 * one line and exits with code 2, as {@link loadConfigOrExit} does for variables.
 *
 * @example
 * const bot = await buildOrExit('stats', () => createStandardBot(config, { adapters, logger }));
 */
export async function buildOrExit<T>(name: string, build: () => Promise<T>): Promise<T> {
  try {
    return await build();
  } catch (error) {
    if (error instanceof ConfigError) return exitWith(name, error.message, 2);
    throw error;
  }
}

/** Prints `name: message` to standard error and exits. */
export function exitWith(name: string, message: string, code: number): never {
  process.stderr.write(`${name}: ${message}\n`);
  process.exit(code);
}

/** Options of {@link exitOnSignals}. */
export interface ExitOptions {
  readonly logger: Logger;
  /** The process exits by then even if something hangs (default 9,500 ms: SIGTERM → gone within 10 s). */
  readonly deadlineMs?: number;
}

/**
 * Makes SIGTERM and SIGINT stop the bot gracefully (stop receiving, finish the replies in
 * flight, close everything) and exit 0, never later than the deadline. Returns the same
 * shutdown for other reasons (an adapter's fatal error, the end of console input). Process
 * warnings go to the logger from now on (see {@link logProcessWarnings}).
 */
export function exitOnSignals(
  bot: Pick<Bot, 'stop'>,
  options: ExitOptions,
): (code: number, reason: string) => Promise<never> {
  const deadlineMs = options.deadlineMs ?? 9_500;
  logProcessWarnings(options.logger);
  let exiting = false;
  const shutdown = async (code: number, reason: string): Promise<never> => {
    if (!exiting) {
      exiting = true;
      options.logger.info({ reason }, 'shutting down');
      const deadline = setTimeout(() => {
        options.logger.warn('shutdown deadline reached; exiting');
        process.exit(code);
      }, deadlineMs);
      deadline.unref();
      await bot.stop().catch((error: unknown) => options.logger.error({ err: error }, 'stop failed'));
    }
    process.exit(code);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(0, signal));
  return shutdown;
}

/** Starts the bot, or logs why it could not and exits 1. */
export async function startOrExit(bot: Pick<Bot, 'start'>, logger: Logger): Promise<void> {
  try {
    await bot.start();
  } catch (error) {
    logger.fatal({ err: error }, error instanceof Error ? error.message : 'start failed');
    process.exit(1);
  }
}
