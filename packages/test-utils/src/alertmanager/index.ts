export * from './start-alertmanager.js';
