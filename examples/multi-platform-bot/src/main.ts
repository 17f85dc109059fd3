/**
 * The multi-platform stats bot: one command set and one session store serving Matrix,
 * Telegram (and every other platform in `platforms/`) whose variables are set, plus the
 * console when none is. `pnpm start:multi` from the repository root runs it.
 */
import { createConsoleAdapter, createLogger } from '@stats/core';
import { buildOrExit, exitOnSignals, loadConfigOrExit, startOrExit } from '@stats/core/app';
import { createMultiPlatformBot } from './multi-platform-bot.js';

const loaded = loadConfigOrExit('multi-platform-bot');
const config = { ...loaded, shutdownTimeoutMs: Math.min(loaded.shutdownTimeoutMs, 8_000) };
const logger = await createLogger({ level: config.logLevel, base: { bot: 'multi-platform-bot' } });

const { bot, platforms } = await buildOrExit('multi-platform-bot', () =>
  createMultiPlatformBot(config, {
    logger,
    onFatal: (reason) => void shutdown(1, reason),
    fallback: () => createConsoleAdapter({ onEnd: () => void shutdown(0, 'end of input') }),
  }),
);

// SIGTERM: stop receiving, finish the replies in flight, exit within 10 s.
const shutdown = exitOnSignals(bot, { logger });
await startOrExit(bot, logger);
logger.info({ platforms, url: bot.http?.url }, 'multi-platform-bot running');
