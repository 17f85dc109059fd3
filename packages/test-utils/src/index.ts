/** Real servers and protocol stand-ins for the stats test suites. */
export * from './telegram/index.js';
export * from './matrix/index.js';
export * from './auth/index.js';
export * from './discord/index.js';
export * from './umami/index.js';
export * from './alertmanager/index.js';
export * from './prometheus/index.js';
export * from './services/index.js';
export * from './redis-proxy.js';
export * from './process/index.js';
export {
  registerSecret,
  registeredSecrets,
  recordLogOutput,
  recordedLogCount,
  recordedLogLines,
  logSink,
  takeLogLeaks,
  resetLogScan,
  leakError,
  MIN_SECRET_LENGTH,
  type LogLeak,
} from './log-scan.js';
