/**
 * The multi-platform stats bot: one command set and one session store serving Matrix,
 * Telegram (and every other platform in `platforms/`) whose variables are set, plus the
 * console when none is. `pnpm start:multi` from the repository root runs it.
 */
import { ConfigError, createConsoleAdapter, createLogger, loadConfig, type StatsConfig } from '@stats/core';
import { createMultiPlatformBot } from './multi-platform-bot.js';

/** SIGTERM must end the process within 10 s, replies in flight included. */
const EXIT_DEADLINE_MS = 9_500;

function fail(message: string, code: number): never {
  process.stderr.write(`multi-platform-bot: ${message}\n`);
  process.exit(code);
}

let config: StatsConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(error.message, 2);
  throw error;
}
config = { ...config, shutdownTimeoutMs: Math.min(config.shutdownTimeoutMs, 8_000) };

const logger = await createLogger({ level: config.logLevel, base: { bot: 'multi-platform-bot' } });
let exiting = false;

/** Lets replies in flight finish and exits; never takes longer than the deadline. */
async function shutdown(code: number, reason: string): Promise<never> {
  if (!exiting) {
    exiting = true;
    logger.info({ reason }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.warn('shutdown deadline reached; exiting');
      process.exit(code);
    }, EXIT_DEADLINE_MS);
    deadline.unref();
    // bot.stop() stops every adapter receiving first, so nothing arrives during the drain only to be dropped.
    await bot.stop().catch((error: unknown) => logger.error({ err: error }, 'stop failed'));
  }
  process.exit(code);
}

const { bot, platforms } = await createMultiPlatformBot(config, {
  logger,
  onFatal: (reason) => void shutdown(1, reason),
  fallback: () => createConsoleAdapter({ onEnd: () => void shutdown(0, 'end of input') }),
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(0, signal));

try {
  await bot.start();
} catch (error) {
  logger.fatal({ err: error }, error instanceof Error ? error.message : 'start failed');
  process.exit(1);
}
logger.info({ platforms, port: bot.http?.url }, 'multi-platform-bot running');
