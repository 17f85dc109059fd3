/**
 * `pnpm start`: the stats bot in this terminal, on embedded defaults (SQLite sessions in
 * ./data, no chat server). Set UMAMI_*, PROMETHEUS_URL, DATABASE_URL or AUTH_URL to see those
 * commands answer with real figures; `!system` reports this machine without any of them. The
 * HTTP server (/health, /metrics) starts only when PORT is set, so a terminal bot never fights
 * a deployed one for port 3312.
 */
import { createConsoleAdapter, createLogger } from '../../index.js';
import { buildOrExit, createStandardBot, exitOnSignals, loadConfigOrExit, startOrExit } from '../index.js';

const config = loadConfigOrExit('stats');
const logger = await createLogger({ level: process.env['LOG_LEVEL'] === undefined ? 'warn' : config.logLevel });
const terminal = createConsoleAdapter({ onEnd: () => void shutdown(0, 'end of input') });
const bot = await buildOrExit('stats', () =>
  createStandardBot(config, {
    adapters: [terminal],
    logger,
    handleSignals: false,
    http: process.env['PORT'] === undefined ? false : { port: config.port, host: config.host },
  }),
);
const shutdown = exitOnSignals(bot, { logger });
await startOrExit(bot, logger);
