export type * from './types.js';
export * from './http/index.js';
export * from './umami/index.js';
export * from './prometheus/index.js';
export * from './system/index.js';
export * from './growth/index.js';
export * from './create-sources.js';
export * from './auth/index.js';
export * from './oidc/index.js';
