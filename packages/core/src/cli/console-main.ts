/**
 * `pnpm start`: the stats bot in this terminal, on embedded defaults (SQLite sessions in
 * ./data, no chat server). Set UMAMI_*, PROMETHEUS_URL, DATABASE_URL or AUTH_URL to see those
 * commands answer with real figures; `!system` reports this machine without any of them.
 */
import { ConfigError, createConsoleAdapter, createLogger, createStandardBot, loadConfig } from '../index.js';

let config;
try {
  config = loadConfig(process.env);
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
const logger = await createLogger({ level: process.env['LOG_LEVEL'] === undefined ? 'warn' : config.logLevel });
const terminal = createConsoleAdapter({ onEnd: () => void bot.stop().then(() => process.exit(0)) });
const bot = await createStandardBot(config, { adapters: [terminal], logger, http: process.env['PORT'] === undefined ? false : { port: config.port, host: config.host } });
await bot.start();
