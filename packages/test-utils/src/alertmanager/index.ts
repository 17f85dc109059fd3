export * from './start-alertmanager.js';
export * from './post-alert.js';
