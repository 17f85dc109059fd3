/**
 * The reference deployment: the matrix-stats-bot rebuilt on @stats/core. Every standard
 * command, the daily and weekly reports into MATRIX_REPORT_ROOM_ID, `/health`,
 * `/health/ready` and `/metrics` on PORT. Configuration comes from the environment only (see
 * `.env.example`); `pnpm start:matrix` from the repository root runs it.
 */
import { createMatrixAdapter, fromEnv } from '@stats/adapter-matrix';
import { createLogger } from '@stats/core';
import {
  buildOrExit,
  createStandardBot,
  exitOnSignals,
  exitWith,
  loadConfigOrExit,
  startOrExit,
} from '@stats/core/app';

const config = loadConfigOrExit('matrix-stats-bot');
const matrixEnv =
  (await buildOrExit('matrix-stats-bot', async () => fromEnv())) ??
  exitWith(
    'matrix-stats-bot',
    'set MATRIX_HOMESERVER_URL and MATRIX_ACCESS_TOKEN (see examples/matrix-stats-bot/.env.example)',
    2,
  );
const logger = await createLogger({ level: config.logLevel, base: { bot: 'matrix-stats-bot' } });

const matrix = createMatrixAdapter({
  ...matrixEnv,
  dataDir: config.dataDir,
  // End-to-end encryption: the store in DATA_DIR is encrypted with a key from SESSION_SECRET (else DATA_DIR/session.key).
  ...(config.sessions.secret !== undefined ? { storeSecret: config.sessions.secret } : {}),
  catchUpWindowMs: config.catchUpWindowMs,
  // Charts (!week, !system, reports) as PNG images; ECharts and resvg load on the first chart.
  renderChart: async (chart) => (await import('@stats/core/charts')).renderChartPng(chart),
  onFatal: () => void shutdown(1, 'the homeserver rejected MATRIX_ACCESS_TOKEN'),
});

const bot = await buildOrExit('matrix-stats-bot', () =>
  createStandardBot(
    { ...config, shutdownTimeoutMs: Math.min(config.shutdownTimeoutMs, 8_000) },
    {
      adapters: [matrix],
      logger,
      name: 'matrix-stats-bot',
      handleSignals: false,
      http: { port: config.port, host: config.host },
    },
  ),
);

// SIGTERM: stop receiving, finish the replies in flight, exit within 10 s.
const shutdown = exitOnSignals(bot, { logger });
await startOrExit(bot, logger);
logger.info({ userId: matrix.userId, url: bot.http?.url }, 'matrix-stats-bot running');
