import type { Logger } from 'pino';
import type { ChatAdapter, HttpRoutes } from '../../chat/index.js';
import type { Command } from '../../commands/index.js';
import type { StatsConfig } from '../config/index.js';
import type { Metrics } from '../../metrics/index.js';
import type { Notifier, ReportTarget } from '../../schedule/index.js';
import { createSharedRedis, type SharedRedis } from '../redis/shared-redis.js';
import type { AlertMessageStore } from './alert-messages.js';
import { createAlertRelay, type AlertRelay, type AlertRoute } from './alert-relay.js';
import { createAlertmanagerClient, type AlertmanagerClient } from './alertmanager-client.js';
import { createMemoryAlertMessageStore } from './alert-messages.js';
import { createRedisAlertMessageStore } from './redis-alert-messages.js';
import { createAckCommand, createSilenceCommand } from './silence-commands.js';

/** Options of {@link createAlertsFromConfig}. */
export interface AlertsFromConfigOptions {
  readonly adapters: readonly ChatAdapter[];
  /** The notifier of the schedules (shares rate limits and idempotency keys). */
  readonly notifier: Notifier;
  /** Rooms for alerts no route matches (default: the report targets). */
  readonly targets: readonly ReportTarget[];
  readonly routes?: readonly AlertRoute[];
  /** Where posted groups are remembered; default Redis with `REDIS_URL` (replicas share it), else memory. */
  readonly store?: AlertMessageStore;
  readonly metrics?: Metrics;
  readonly logger?: Logger;
  /**
   * With `REDIS_URL`: the bot's shared Redis client for the alert store (`createStandardBot`
   * passes its own); one of the alerts' own is opened on first use, and closed on stop, when absent.
   */
  readonly redis?: SharedRedis;
}

/** The wired Alertmanager integration. */
export interface Alerts {
  /** Present when `ALERTMANAGER_WEBHOOK_TOKEN` is set; register it with `relay.register(bot.http)`. */
  readonly relay: AlertRelay | undefined;
  /** Present when `ALERTMANAGER_URL` is set. */
  readonly client: AlertmanagerClient | undefined;
  /** `!silence` and `!ack` when `ALERTMANAGER_URL` is set. */
  readonly commands: readonly Command[];
  /** A `createBot` service registering the relay on the bot's HTTP server at start. */
  readonly service: {
    readonly name: string;
    start(bot: { readonly http: HttpRoutes | undefined }): void;
    stop(): Promise<void>;
  };
}

/** A Redis alert store on the shared client, made on first use (ioredis is loaded only then). */
function lazyRedisStore(redis: SharedRedis, prefix: string): AlertMessageStore {
  let opened: Promise<AlertMessageStore> | undefined;
  const get = (): Promise<AlertMessageStore> =>
    (opened ??= redis.client().then((client) => createRedisAlertMessageStore(client, { prefix })));
  return {
    get: async (key) => (await get()).get(key),
    set: async (key, state) => (await get()).set(key, state),
    delete: async (key) => (await get()).delete(key),
    lastInRoom: async (room) => (await get()).lastInRoom(room),
  };
}

/**
 * Wires the Alertmanager relay (`ALERTMANAGER_WEBHOOK_TOKEN`) and the `!silence` / `!ack`
 * commands (`ALERTMANAGER_URL`, restricted by `ALERT_SILENCE_ALLOWED` and
 * `SILENCE_MAX_DURATION`) from configuration; either part is left out when unset.
 */
export function createAlertsFromConfig(config: StatsConfig, options: AlertsFromConfigOptions): Alerts {
  const redis = options.store === undefined ? config.redis : undefined;
  const owned =
    redis && options.redis === undefined
      ? createSharedRedis(redis.url, { name: 'stats', logger: options.logger, metrics: options.metrics })
      : undefined;
  const shared = options.redis ?? owned;
  const store =
    options.store ?? (redis && shared ? lazyRedisStore(shared, redis.keyPrefix) : createMemoryAlertMessageStore());
  const token = config.alertmanager?.webhookToken;
  const url = config.alertmanager?.url;
  const relay =
    token === undefined
      ? undefined
      : createAlertRelay({
          adapters: options.adapters,
          notifier: options.notifier,
          token,
          defaultTargets: options.targets,
          store,
          timeZone: config.timeZone,
          locale: config.locale,
          ...(options.routes ? { routes: options.routes } : {}),
          ...(options.metrics ? { metrics: options.metrics } : {}),
          ...(options.logger ? { logger: options.logger } : {}),
        });
  const client = url === undefined ? undefined : createAlertmanagerClient({ url });
  const policy = { allowed: config.alertmanager?.silenceAllowed, maxDurationMs: config.alertmanager?.silenceMaxMs };
  const service = {
    name: 'alerts',
    start(bot: { readonly http: HttpRoutes | undefined }): void {
      if (!relay) return;
      if (!bot.http) {
        options.logger?.warn(
          'ALERTMANAGER_WEBHOOK_TOKEN is set but the bot has no HTTP server: the Alertmanager relay is off',
        );
        return;
      }
      relay.register(bot.http);
    },
    async stop(): Promise<void> {
      await relay?.settled();
      await owned?.close();
    },
  };
  return {
    relay,
    client,
    service,
    commands: client ? [createSilenceCommand(client, policy), createAckCommand(client, store, undefined, policy)] : [],
  };
}
