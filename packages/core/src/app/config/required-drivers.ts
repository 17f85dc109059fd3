import { createRequire } from 'node:module';
import { ConfigError } from '../../errors/index.js';
import type { StatsConfig } from './load-config.js';

/** One optional driver a configuration needs, and why. */
export interface DriverNeed {
  /** The npm package, e.g. `better-sqlite3`. */
  readonly module: string;
  /** The variables (or defaults) that make it needed. */
  readonly because: string;
}

/** Which features of the stats application are on, beyond what the configuration says. */
export interface DriverFeatures {
  /** Scheduled reports or the alert relay (their state lives in SQLite, or Redis with BullMQ). */
  readonly schedules: boolean;
}

/**
 * The optional peer dependencies (database drivers, queue) a configuration needs. Only the chosen
 * ones: a console bot with defaults and no login needs none.
 */
export function requiredDrivers(config: StatsConfig, features: DriverFeatures): DriverNeed[] {
  const needs = new Map<string, string>();
  const need = (module: string, because: string): void => {
    if (!needs.has(module)) needs.set(module, because);
  };
  if (config.auth !== undefined || config.oidc !== undefined) {
    const store = config.sessions.store;
    if (store === 'sqlite') need('better-sqlite3', 'the session store (SESSION_STORE=sqlite, the default)');
    if (store === 'redis') need('ioredis', 'the session store (SESSION_STORE=redis)');
    if (store === 'postgres') need('pg', 'the session store (SESSION_STORE=postgres)');
  }
  if (features.schedules) {
    if (config.redis !== undefined) {
      need('ioredis', 'schedules across replicas (REDIS_URL)');
      need('bullmq', 'schedules across replicas (REDIS_URL)');
    } else {
      need('better-sqlite3', 'the schedule state in DATA_DIR (reports or alerts are configured)');
    }
  }
  if (config.redis !== undefined) need('ioredis', 'message claims across replicas (REDIS_URL)');
  if (config.database !== undefined) need('pg', '!growth (DATABASE_URL)');
  return [...needs].map(([module, because]) => ({ module, because }));
}

/**
 * Fails at configuration time, before anything connects, when a driver the configuration needs is
 * not installed: one error naming each missing package, why it is needed, and the install line.
 *
 * @param from - Where to resolve the packages from (default: this package, as Node would).
 * @throws ConfigError naming the missing packages and `npm install …`.
 */
export function checkDrivers(
  config: StatsConfig,
  features: DriverFeatures,
  from: string | URL = import.meta.url,
): void {
  const require = createRequire(from);
  const missing = requiredDrivers(config, features).filter(({ module }) => {
    try {
      require.resolve(`${module}/package.json`);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return;
  const lines = missing.map(({ module, because }) => `${module} (for ${because})`);
  const install = `npm install ${missing.map((m) => m.module).join(' ')}`;
  throw new ConfigError([], `missing optional dependencies: ${lines.join('; ')}. Install them with: ${install}`);
}
