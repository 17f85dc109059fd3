import type { Logger } from 'pino';
import type { Command } from '../commands/index.js';
import type { StatsConfig } from '../config/index.js';
import type { Metrics } from '../metrics/index.js';
import { cipherFromConfig, createMemorySessionStore, createSessionManager, type AuthProvider, type SessionManager, type SessionStore } from '../sessions/index.js';
import { createAuthServiceClient, createDeviceFlowClient, type AuthServiceClient } from '../sources/index.js';
import { createAccountCommands } from './account-commands.js';

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
}

async function openStore(config: StatsConfig, now: (() => number) | undefined, logger: Logger | undefined): Promise<SessionStore> {
  const kind = config.sessions.store;
  if (kind === 'memory') return createMemorySessionStore(now ? { now } : {});
  const cipher = cipherFromConfig({ secret: config.sessions.secret, dataDir: config.dataDir, logger });
  if (kind === 'redis') {
    const { createRedisSessionStore } = await import('../stores/redis/index.js');
    return createRedisSessionStore({ url: config.redis?.url ?? 'redis://127.0.0.1:6379', keyPrefix: config.redis?.keyPrefix ?? 'stats:', cipher });
  }
  if (kind === 'postgres') {
    const { createPostgresSessionStore } = await import('../stores/postgres/index.js');
    const store = createPostgresSessionStore({ connectionString: config.sessions.databaseUrl ?? config.database?.url ?? '', cipher, ...(now ? { now } : {}) });
    await store.ready();
    return store;
  }
  const { createSqliteSessionStore } = await import('../stores/sqlite/index.js');
  return createSqliteSessionStore({ dataDir: config.dataDir, cipher, ...(now ? { now } : {}) });
}

/**
 * Builds the session store (from `SESSION_STORE`: `sqlite` in `DATA_DIR` by default, `memory`,
 * `redis`, `postgres`), the auth providers (`AUTH_URL`, and the device flow when
 * `OIDC_ISSUER`/`OIDC_CLIENT_ID` are set), the session manager and the account commands.
 * Database drivers are loaded only for the chosen store. Resolves `undefined` when neither
 * `AUTH_URL` nor `OIDC_ISSUER` is set.
 *
 * @throws ConfigError when `SESSION_SECRET` is unusable or the key file in `DATA_DIR` is damaged.
 * @example
 * const sessions = await createSessionsFromConfig(loadConfig(process.env), { logger, metrics });
 * const bot = createBot({ adapters, sessions: sessions?.manager, commands: [...(sessions?.commands ?? [])] });
 */
export async function createSessionsFromConfig(config: StatsConfig, deps: SessionsDeps = {}): Promise<ConfiguredSessions | undefined> {
  if (config.auth === undefined && config.oidc === undefined) return undefined;
  const common = { logger: deps.logger, metrics: deps.metrics, ...(deps.now ? { now: deps.now } : {}) };
  const auth = config.auth ? createAuthServiceClient({ url: config.auth.url, serviceKey: config.auth.serviceKey, ...common }) : undefined;
  const providers: AuthProvider[] = [];
  if (auth) providers.push(auth);
  if (config.oidc) providers.push(createDeviceFlowClient({ issuer: config.oidc.issuer, clientId: config.oidc.clientId, scope: config.oidc.scope, ...common }));
  if ((config.sessions.store === 'redis' || config.sessions.store === 'postgres') && config.sessions.secret === undefined) {
    deps.logger?.warn(
      { store: config.sessions.store, variable: 'SESSION_SECRET' },
      'SESSION_SECRET is unset: this process encrypts sessions with its own key file, so other replicas cannot read them',
    );
  }
  const store = await openStore(config, deps.now, deps.logger);
  const jwksUrl = config.auth?.jwksUrl ?? (config.auth?.issuer !== undefined ? new URL('api/auth/jwks', `${config.auth.url.replace(/\/+$/, '')}/`).href : undefined);
  const manager = createSessionManager({
    store,
    providers,
    ...common,
    ...(jwksUrl !== undefined ? { verify: { jwksUrl, issuer: config.auth?.issuer } } : {}),
  });
  return {
    store,
    manager,
    auth,
    commands: createAccountCommands({ manager, credits: auth }),
    close: async () => store.close?.(),
  };
}
