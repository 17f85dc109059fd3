export * from './system-snapshot.js';
export * from './host-source.js';
