/**
 * Every platform the multi-platform bot knows, one line each. A new platform is one file in
 * this folder exporting `fromEnv` (see `platform.ts`) and one line here.
 */
export * as matrix from './matrix.js';
export * as telegram from './telegram.js';
export * as discord from './discord.js';
export type { PlatformDeps, PlatformModule } from './platform.js';
