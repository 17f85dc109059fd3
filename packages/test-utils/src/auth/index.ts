export * from './auth-server.js';
export * from './oidc-server.js';
export * from './token-signer.js';
export type { Failure } from './http-kit.js';
