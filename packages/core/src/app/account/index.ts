export * from './login-limiter.js';
export * from './redis-login-limiter.js';
export * from './account-reports.js';
export * from './account-commands.js';
export * from './sessions-from-config.js';
