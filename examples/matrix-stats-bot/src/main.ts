/**
 * The reference deployment: the matrix-stats-bot rebuilt on @stats/core. Every standard
 * command, the daily and weekly reports into MATRIX_REPORT_ROOM_ID, `/health`,
 * `/health/ready` and `/metrics` on PORT. Configuration comes from the environment only (see
 * `.env.example`); `pnpm start:matrix` from the repository root runs it.
 */
import { createMatrixAdapter } from '@stats/adapter-matrix';
import { ConfigError, createLogger, createStandardBot, loadConfig, type StatsConfig } from '@stats/core';

/** SIGTERM must end the process within 10 s, replies in flight included. */
const EXIT_DEADLINE_MS = 9_500;

function fail(message: string, code: number): never {
  process.stderr.write(`matrix-stats-bot: ${message}\n`);
  process.exit(code);
}

let config: StatsConfig;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) fail(error.message, 2);
  throw error;
}
const matrixConfig = config.matrix ?? fail('set MATRIX_HOMESERVER_URL and MATRIX_ACCESS_TOKEN (see examples/matrix-stats-bot/.env.example)', 2);

const logger = await createLogger({ level: config.logLevel, base: { bot: 'matrix-stats-bot' } });
let exiting = false;

/** Stops receiving, lets replies in flight finish, and exits; never takes longer than the deadline. */
async function shutdown(code: number, reason: string): Promise<never> {
  if (!exiting) {
    exiting = true;
    logger.info({ reason }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.warn('shutdown deadline reached; exiting');
      process.exit(code);
    }, EXIT_DEADLINE_MS);
    deadline.unref();
    // bot.stop() first stops the adapter receiving, then drains the replies in flight.
    await bot.stop().catch((error: unknown) => logger.error({ err: error }, 'stop failed'));
  }
  process.exit(code);
}

const matrix = createMatrixAdapter({
  homeserverUrl: matrixConfig.homeserverUrl,
  accessToken: matrixConfig.accessToken,
  dataDir: config.dataDir,
  catchUpWindowMs: config.catchUpWindowMs,
  shutdownTimeoutMs: Math.min(config.shutdownTimeoutMs, 8_000),
  ...(matrixConfig.allowedInviters ? { allowedInviters: matrixConfig.allowedInviters } : {}),
  // Charts (!week, !system, reports) as PNG images; ECharts and resvg load on the first chart.
  renderChart: async (chart) => (await import('@stats/core/charts')).renderChartPng(chart),
  onFatal: () => void shutdown(1, 'the homeserver rejected MATRIX_ACCESS_TOKEN'),
});

const bot = await createStandardBot(
  { ...config, shutdownTimeoutMs: Math.min(config.shutdownTimeoutMs, 8_000) },
  { adapters: [matrix], logger, handleSignals: false, http: { port: config.port, host: config.host } },
);

for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void shutdown(0, signal));

try {
  await bot.start();
} catch (error) {
  logger.fatal({ err: error }, error instanceof Error ? error.message : 'start failed');
  process.exit(1);
}
logger.info({ userId: matrix.userId, url: bot.http?.url }, 'matrix-stats-bot running');
