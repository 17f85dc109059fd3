import type { Logger } from 'pino';
import { Gauge } from 'prom-client';
import { createBot, type Bot, type BotService } from '../bot.js';
import { createSessionsFromConfig } from './account/index.js';
import { createAlertsFromConfig } from './alerts/index.js';
import type { ChatAdapter } from '../chat/index.js';
import { arg, defineCommand, type Command, type Middleware } from '../commands/index.js';
import { checkDrivers, type StatsConfig } from './config/index.js';
import { defaultLogger, withErrorSerializers } from '../logging/index.js';
import { createMetrics, type Metrics } from '../metrics/index.js';
import { createSharedRedis, type SharedRedis } from './redis/shared-redis.js';
import { sharedRedisClaims, type SharedClaims } from './redis/shared-redis-claims.js';
import type { ReportBuilder, ScheduleSpec } from '../schedule/index.js';
import { createSchedulesFromConfig, type Schedules } from './schedule/from-config.js';
import { createSources, type ManagedSources } from '../sources/index.js';
import { analyticsCommands, createPeriodReportBuilders } from './commands/index.js';
import { createStatusService } from './status/index.js';

/** Options of {@link createStandardBot}. */
export interface StandardBotOptions {
  /** The chat platforms to serve. */
  readonly adapters: readonly ChatAdapter[];
  readonly logger?: Logger;
  /** Your own commands, beside the standard ones. */
  readonly commands?: readonly Command[];
  /** Your own schedules, beside the daily and weekly reports. */
  readonly schedules?: readonly ScheduleSpec[];
  readonly middleware?: readonly Middleware[];
  /** The HTTP server; default `config.port` (`false`: none). */
  readonly http?: { readonly port: number; readonly host?: string } | false;
  /** Stop on SIGTERM/SIGINT and exit (default true). */
  readonly handleSignals?: boolean;
  readonly now?: () => number;
  /** The bot's name on the `/status` page and its Redis connections' name in `CLIENT LIST` (default `stats`). */
  readonly name?: string;
}

/**
 * A command that exists so `!help` shows it, and says which variable to set. It takes any
 * arguments, so `!silence disk 2h` on a bot without Alertmanager gets the same clear answer.
 */
function unconfigured(name: string, summary: string, category: string, what: string, variables: string): Command {
  return defineCommand({
    name,
    summary,
    category,
    usage: name,
    rateLimit: false,
    args: { ignored: arg.rest('ignored until configured').optional() },
    run: () => `${what} not configured on this bot: set ${variables}.`,
  });
}

const LOGIN = 'Logging in is';
const REPORT_TARGET = 'MATRIX_REPORT_ROOM_ID, TELEGRAM_REPORT_CHAT_ID, DISCORD_REPORT_CHANNEL_ID or REPORT_TARGETS';

/** Listed in the README; answered with the variables to set when their feature is off. */
const FEATURE_PLACEHOLDERS: readonly Command[] = [
  unconfigured(
    'schedule',
    'The scheduled reports and their next run',
    'Reports',
    'Scheduled reports are',
    REPORT_TARGET,
  ),
  unconfigured(
    'silence',
    'Silences an alert in Alertmanager',
    'Alerts',
    'Alertmanager is',
    'ALERTMANAGER_URL (and a report target)',
  ),
  unconfigured(
    'ack',
    'Acknowledges an alert in Alertmanager',
    'Alerts',
    'Alertmanager is',
    'ALERTMANAGER_URL (and a report target)',
  ),
];

const ACCOUNT_PLACEHOLDERS: readonly Command[] = [
  // Even unconfigured, a login seen in a shared room is removed: it may carry a password.
  defineCommand({
    name: 'login',
    summary: 'Logs you in (direct messages only)',
    category: 'Account',
    where: 'direct-only',
    sensitive: true,
    args: {
      email: arg.string('your e-mail').optional(),
      password: arg.string('your password', { secret: true }).optional(),
    },
    run: () => 'Logging in is not configured on this bot: set AUTH_URL (or OIDC_ISSUER and OIDC_CLIENT_ID).',
  }),
  unconfigured('logout', 'Logs you out', 'Account', LOGIN, 'AUTH_URL'),
  unconfigured('status', 'Your account and credit balance', 'Account', LOGIN, 'AUTH_URL'),
  unconfigured('mystats', 'Your credit use over the last 30 days', 'Account', LOGIN, 'AUTH_URL'),
];

/**
 * With `REDIS_URL`: the bot's one Redis client, registered as the first service so it is
 * closed last, after everything that uses it; claims are connected when the bot starts.
 */
function openRedis(
  config: StatsConfig,
  services: BotService[],
  options: { readonly name: string; readonly logger: Logger; readonly metrics: Metrics },
): { redis: SharedRedis; claims: SharedClaims } | undefined {
  if (config.redis === undefined) return undefined;
  const redis = createSharedRedis(config.redis.url, {
    name: options.name,
    logger: options.logger.child({ component: 'redis' }),
    metrics: options.metrics,
  });
  const claims = sharedRedisClaims(() => redis.client(), { prefix: config.redis.keyPrefix });
  services.push({ name: 'redis', start: () => claims.open(), stop: () => redis.close() });
  return { redis, claims };
}

/**
 * The complete stats bot from configuration: every standard command (`stats today week
 * realtime system services traffic db growth`, `login logout status mystats`, `schedule`,
 * `silence ack`), the sources, the session store, the daily and weekly reports into the
 * configured rooms, the Alertmanager relay, and — with `REDIS_URL` — exactly-once handling
 * across replicas. What is not configured answers with the variable to set.
 *
 * @throws ConfigError when a database driver or queue the configuration needs is not installed
 *   (the message names the `npm install` line).
 *
 * @example
 * const config = loadConfig(process.env);
 * const bot = await createStandardBot(config, { adapters: [createConsoleAdapter()], logger });
 * await bot.start();
 */
export async function createStandardBot(config: StatsConfig, options: StandardBotOptions): Promise<Bot> {
  const wantsSchedules =
    options.adapters.some((adapter) => Object.hasOwn(config.schedule.reportRooms, adapter.platform)) ||
    config.schedule.targets !== undefined ||
    (options.schedules?.length ?? 0) > 0 ||
    config.alertmanager !== undefined;
  checkDrivers(config, { schedules: wantsSchedules });
  const logger = options.logger === undefined ? defaultLogger() : withErrorSerializers(options.logger);
  const metrics = createMetrics();
  const now = options.now ?? Date.now;
  const services: BotService[] = [];
  const shared = openRedis(config, services, { name: options.name ?? 'stats', logger, metrics });
  const sources: ManagedSources = createSources(config, {
    logger: logger.child({ component: 'sources' }),
    metrics,
    now,
  });
  services.push({ name: 'sources', stop: () => sources.close() });

  const sessions = await createSessionsFromConfig(config, {
    logger: logger.child({ component: 'sessions' }),
    metrics,
    now,
    ...(shared ? { redis: shared.redis } : {}),
  });
  if (sessions) {
    services.push({ name: 'sessions', stop: () => sessions.close() });
    // How many users are logged in, counted at each scrape (the dashboard's sessions panel).
    new Gauge({
      name: 'stats_sessions',
      help: 'Stored user sessions (logged-in users)',
      registers: [metrics.registry],
      async collect() {
        // A store that cannot answer (Redis down) keeps the last count rather than failing /metrics.
        const count = await sessions.store.list().then(
          (list) => list.length,
          () => undefined,
        );
        if (count !== undefined) this.set(count);
      },
    });
  }

  // The /status page (only with STATUS_TOKEN): fed by a middleware and the delivery hook.
  let scheduleList: (() => ReturnType<Schedules['scheduler']['list']>) | undefined;
  const status = config.status
    ? createStatusService({
        name: options.name ?? 'stats',
        token: config.status.token,
        timeZone: config.timeZone,
        schedules: () => scheduleList?.() ?? [],
        ...(sessions ? { sessions: async () => (await sessions.store.list()).length } : {}),
        now,
      })
    : undefined;

  const builders: { daily: ReportBuilder; weekly: ReportBuilder } = createPeriodReportBuilders(sources, config);
  const schedules = wantsSchedules
    ? createSchedulesFromConfig(config, {
        adapters: options.adapters,
        logger: logger.child({ component: 'schedule' }),
        metrics,
        buildDaily: builders.daily,
        buildWeekly: builders.weekly,
        ...(options.schedules ? { schedules: options.schedules } : {}),
        ...(status ? { onDelivered: status.recorder.onDelivered } : {}),
        ...(shared ? { redis: shared.redis } : {}),
        now,
      })
    : undefined;
  if (schedules) scheduleList = () => schedules.scheduler.list();
  const alerts = schedules
    ? createAlertsFromConfig(config, {
        adapters: options.adapters,
        notifier: schedules.notifier,
        targets: schedules.targets,
        metrics,
        logger,
        ...(shared ? { redis: shared.redis } : {}),
      })
    : undefined;
  if (schedules) services.push(schedules.service);
  if (alerts) services.push(alerts.service);
  if (status) services.push(status.service);
  const claims = shared?.claims;
  const middleware = [...(status ? [status.recorder.middleware] : []), ...(options.middleware ?? [])];

  const commands: Command[] = [
    ...analyticsCommands(),
    ...(sessions?.commands ?? ACCOUNT_PLACEHOLDERS),
    ...(schedules?.commands ?? []),
    ...(alerts?.commands ?? []),
    ...(options.commands ?? []),
  ];
  const taken = new Set(commands.flatMap((c) => [c.name, ...c.aliases]));
  commands.push(...FEATURE_PLACEHOLDERS.filter((c) => !taken.has(c.name)));
  return createBot({
    adapters: options.adapters,
    commands,
    config,
    logger,
    metrics,
    sources,
    ...(sessions ? { sessions: sessions.manager } : {}),
    ...(claims ? { claims } : {}),
    ...(middleware.length > 0 ? { middleware } : {}),
    http: options.http ?? { port: config.port, host: config.host },
    services,
    handleSignals: options.handleSignals ?? true,
    now,
  });
}
