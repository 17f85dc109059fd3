import type { Logger } from 'pino';
import type { Command } from '../../commands/index.js';
import type { StatsConfig } from '../config/index.js';
import type { Metrics } from '../../metrics/index.js';
import {
  cipherFromConfig,
  createMemorySessionStore,
  createSessionManager,
  type AuthProvider,
  type SessionManager,
  type SessionStore,
} from '../../sessions/index.js';
import { createAuthServiceClient, createDeviceFlowClient, type AuthServiceClient } from '../../sources/index.js';
import { createAccountCommands } from './account-commands.js';
import { createLoginLimiter, type LoginLimiter } from './login-limiter.js';
import { createRedisLoginLimiter } from './redis-login-limiter.js';
import { createSharedRedis, type SharedRedis } from '../redis/shared-redis.js';

/** Everything a bot needs for logged-in users, built from the configuration. */
export interface ConfiguredSessions {
  readonly store: SessionStore;
  readonly manager: SessionManager;
  /** `login`, `logout`, `status`, `mystats`. */
  readonly commands: Command[];
  /** The auth-service client, when `AUTH_URL` is set. */
  readonly auth: AuthServiceClient | undefined;
  /** Closes the store's connections. */
  close(): Promise<void>;
}

/** Dependencies of {@link createSessionsFromConfig}. */
export interface SessionsDeps {
  readonly logger?: Logger | undefined;
  readonly metrics?: Metrics | undefined;
  /** The clock (Unix ms). */
  readonly now?: () => number;
  /**
   * With `REDIS_URL`: the bot's shared Redis client for the login limiter and a Redis session
   * store (`createStandardBot` passes its own); one of the sessions' own is opened, and closed
   * by `close()`, when absent.
   */
  readonly redis?: SharedRedis | undefined;
}

/**
 * The brute-force limiter from `LOGIN_ATTEMPTS_*`: in Redis with `REDIS_URL` (replicas share
 * it), else in memory.
 */
async function openLimiter(
  config: StatsConfig,
  deps: SessionsDeps,
  shared: SharedRedis | undefined,
): Promise<LoginLimiter> {
  const limits = { perUser: config.login.perUser, perEmail: config.login.perEmail, windowMs: config.login.windowMs };
  if (config.redis === undefined || shared === undefined)
    return createLoginLimiter({ ...limits, ...(deps.now ? { now: deps.now } : {}) });
  // While Redis is away a reservation waits at most the shared client's command timeout, then
  // the limiter falls back to memory.
  const redis = await shared.client();
  const onRedisError = (err: unknown): void =>
    deps.logger?.warn(
      { err: err instanceof Error ? { name: err.name, message: err.message } : String(err) },
      'login limiter: Redis failed, limiting logins in this process only',
    );
  return createRedisLoginLimiter(redis, { ...limits, keyPrefix: config.redis.keyPrefix, onRedisError });
}

async function openStore(
  config: StatsConfig,
  now: (() => number) | undefined,
  logger: Logger | undefined,
  shared: SharedRedis | undefined,
): Promise<SessionStore> {
  const kind = config.sessions.store;
  if (kind === 'memory') return createMemorySessionStore(now ? { now } : {});
  const cipher = cipherFromConfig({ secret: config.sessions.secret, dataDir: config.dataDir, logger });
  if (kind === 'redis') {
    const { createRedisSessionStore } = await import('../../stores/redis/index.js');
    // loadConfig requires REDIS_URL with SESSION_STORE=redis
    if (shared === undefined) throw new TypeError('SESSION_STORE=redis needs REDIS_URL');
    return createRedisSessionStore({
      client: await shared.client(),
      keyPrefix: config.redis?.keyPrefix ?? 'stats:',
      cipher,
    });
  }
  if (kind === 'postgres') {
    const { createPostgresSessionStore } = await import('../../stores/postgres/index.js');
    const store = createPostgresSessionStore({
      connectionString: config.sessions.databaseUrl ?? config.database?.url ?? '',
      cipher,
      ...(now ? { now } : {}),
    });
    await store.ready();
    return store;
  }
  const { createSqliteSessionStore } = await import('../../stores/sqlite/index.js');
  return createSqliteSessionStore({ dataDir: config.dataDir, cipher, ...(now ? { now } : {}) });
}

/**
 * Builds the session store (from `SESSION_STORE`: `sqlite` in `DATA_DIR` by default, `memory`,
 * `redis`, `postgres`), the login brute-force limiter (in Redis when `REDIS_URL` is set), the auth providers (`AUTH_URL`, and the device flow when
 * `OIDC_ISSUER`/`OIDC_CLIENT_ID` are set), the session manager and the account commands.
 * Database drivers are loaded only for the chosen store. Resolves `undefined` when neither
 * `AUTH_URL` nor `OIDC_ISSUER` is set.
 *
 * @throws ConfigError when `SESSION_SECRET` is unusable or the key file in `DATA_DIR` is damaged.
 * @example
 * const sessions = await createSessionsFromConfig(loadConfig(process.env), { logger, metrics });
 * const bot = createBot({ adapters, ...(sessions ? { sessions: sessions.manager } : {}), commands: sessions?.commands ?? [] });
 */
export async function createSessionsFromConfig(
  config: StatsConfig,
  deps: SessionsDeps = {},
): Promise<ConfiguredSessions | undefined> {
  if (config.auth === undefined && config.oidc === undefined) return undefined;
  const common = { logger: deps.logger, metrics: deps.metrics, ...(deps.now ? { now: deps.now } : {}) };
  const auth = config.auth
    ? createAuthServiceClient({ url: config.auth.url, serviceKey: config.auth.serviceKey, ...common })
    : undefined;
  const providers: AuthProvider[] = [];
  if (auth) providers.push(auth);
  if (config.oidc) {
    providers.push(
      createDeviceFlowClient({
        issuer: config.oidc.issuer,
        clientId: config.oidc.clientId,
        scope: config.oidc.scope,
        maxActiveFlows: config.login.maxDeviceFlows,
        ...common,
      }),
    );
  }
  if (
    (config.sessions.store === 'redis' || config.sessions.store === 'postgres') &&
    config.sessions.secret === undefined
  ) {
    deps.logger?.warn(
      { store: config.sessions.store, variable: 'SESSION_SECRET' },
      'SESSION_SECRET is unset: this process encrypts sessions with its own key file, so other replicas cannot read them',
    );
  }
  const owned =
    config.redis && deps.redis === undefined
      ? createSharedRedis(config.redis.url, { name: 'stats', logger: deps.logger, metrics: deps.metrics })
      : undefined;
  const shared = deps.redis ?? owned;
  const store = await openStore(config, deps.now, deps.logger, shared);
  const jwksUrl =
    config.auth?.jwksUrl ??
    (config.auth?.issuer !== undefined
      ? new URL('api/auth/jwks', `${config.auth.url.replace(/\/+$/, '')}/`).href
      : undefined);
  const manager = createSessionManager({
    store,
    providers,
    ...common,
    ...(jwksUrl !== undefined ? { verify: { jwksUrl, issuer: config.auth?.issuer } } : {}),
  });
  const limiter = await openLimiter(config, deps, shared);
  return {
    store,
    manager,
    auth,
    commands: createAccountCommands({ manager, credits: auth, limiter }),
    close: async () => {
      await store.close?.();
      await owned?.close();
    },
  };
}
