export * from './webhook-payload.js';
export * from './render-alerts.js';
export * from './alert-messages.js';
export * from './redis-alert-messages.js';
export * from './alert-relay.js';
export * from './alertmanager-client.js';
export * from './silence-commands.js';
export * from './from-config.js';
