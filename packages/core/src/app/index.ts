/**
 * `@stats/core/app`: the stats application on top of the library. `createStandardBot` wires the
 * standard analytics commands, accounts, alerts and scheduled reports from a {@link StatsConfig}
 * that `loadConfig` reads from the environment; the lifecycle helpers run it as a process.
 *
 * A bot of your own commands needs only `@stats/core`; use this entry point to run (or extend)
 * the stats bot itself.
 *
 * @packageDocumentation
 */

// ── The standard bot ─────────────────────────────────────────────────────────────────────────────
export { createStandardBot, type StandardBotOptions } from './standard-bot.js';

// ── Configuration from the environment ───────────────────────────────────────────────────────────
export {
  loadConfig,
  envSchema,
  SECRET_VARIABLES,
  checkDrivers,
  requiredDrivers,
  type DriverFeatures,
  type DriverNeed,
  type Env,
  type StatsConfig,
} from './config/index.js';

// ── Process lifecycle ────────────────────────────────────────────────────────────────────────────
export {
  loadConfigOrExit,
  buildOrExit,
  exitWith,
  exitOnSignals,
  startOrExit,
  logProcessWarnings,
  type ExitOptions,
} from './lifecycle/index.js';

// ── Standard commands and scheduled reports ──────────────────────────────────────────────────────
export {
  analyticsCommands,
  statsCommand,
  todayCommand,
  weekCommand,
  realtimeCommand,
  systemCommand,
  servicesCommand,
  trafficCommand,
  dbCommand,
  growthCommand,
  createPeriodReportBuilders,
  type PeriodReportBuilder,
} from './commands/index.js';
export { createSources, type CreateSourcesOptions, type ManagedSources } from '../sources/index.js';
export { createSchedulesFromConfig, type Schedules, type SchedulesFromConfigOptions } from './schedule/from-config.js';
export { targetsFromConfig } from './schedule/targets.js';

// ── Redis ────────────────────────────────────────────────────────────────────────────────────────
export { createSharedRedis, type SharedRedis, type SharedRedisOptions } from './redis/shared-redis.js';

// ── Accounts ─────────────────────────────────────────────────────────────────────────────────────
export {
  createAccountCommands,
  createLoginLimiter,
  createRedisLoginLimiter,
  createSessionsFromConfig,
  loginLimits,
  type AccountCommandsOptions,
  type ConfiguredSessions,
  type LoginAttempt,
  type LoginLimiter,
  type LoginLimiterOptions,
  type LoginLimiterRedis,
  type LoginLimits,
  type LoginRefusal,
  type LoginReservation,
  type RedisLoginLimiterOptions,
  type SessionsDeps,
} from './account/index.js';

// ── Alerts (Alertmanager) ────────────────────────────────────────────────────────────────────────
export {
  createAlertsFromConfig,
  createAlertRelay,
  createAlertmanagerClient,
  createSilenceCommand,
  createAckCommand,
  maySilence,
  type SilencePolicy,
  createMemoryAlertMessageStore,
  createRedisAlertMessageStore,
  type AlertStorePipeline,
  type AlertStoreRedis,
  renderAlertGroup,
  ALERTMANAGER_WEBHOOK_PATH,
  type ActiveAlert,
  type AlertGroupState,
  type AlertMessageStore,
  type AlertRelay,
  type AlertRelayOptions,
  type AlertRoute,
  type AlertmanagerClient,
  type AlertmanagerClientOptions,
  type Alerts,
  type AlertsFromConfigOptions,
  type Matcher,
  type NewSilence,
  type RenderAlertOptions,
  type WebhookAlert,
  type WebhookPayload,
} from './alerts/index.js';
