import type { Logger } from 'pino';
import { createBot, type Bot, type BotService, type MessageClaims } from './bot.js';
import { createSessionsFromConfig } from './account/index.js';
import { createAlertsFromConfig } from './alerts/index.js';
import type { ChatAdapter } from './chat/index.js';
import { arg, defineCommand, type Command, type Middleware } from './commands/index.js';
import type { StatsConfig } from './config/index.js';
import { silentLogger } from './logging/index.js';
import { createMetrics } from './metrics/index.js';
import { createRedisClaims } from './schedule/redis-stores.js';
import { createSchedulesFromConfig, type ReportBuilder, type ScheduleSpec } from './schedule/index.js';
import { createSources, type ManagedSources } from './sources/index.js';
import { standardCommands, standardReportBuilders } from './standard-commands.js';

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
}

/** A command that exists so `!help` shows it, and says which variable to set. */
function unconfigured(name: string, summary: string, category: string, variables: string): Command {
  return defineCommand({
    name,
    summary,
    category,
    rateLimit: false,
    run: () => `Logging in is not configured on this bot: set ${variables}.`,
  });
}

const ACCOUNT_PLACEHOLDERS: readonly Command[] = [
  // Even unconfigured, a login seen in a shared room is removed: it may carry a password.
  defineCommand({
    name: 'login',
    summary: 'Logs you in (direct messages only)',
    category: 'Account',
    where: 'direct-only',
    sensitive: true,
    args: { email: arg.string('your e-mail').optional(), password: arg.string('your password', { secret: true }).optional() },
    run: () => 'Logging in is not configured on this bot: set AUTH_URL (or OIDC_ISSUER and OIDC_CLIENT_ID).',
  }),
  unconfigured('logout', 'Logs you out', 'Account', 'AUTH_URL'),
  unconfigured('status', 'Your account and credit balance', 'Account', 'AUTH_URL'),
  unconfigured('mystats', 'Your credit use over the last 30 days', 'Account', 'AUTH_URL'),
];

async function openClaims(config: StatsConfig, services: BotService[]): Promise<MessageClaims | undefined> {
  if (config.redis === undefined) return undefined;
  const { Redis } = await import('ioredis');
  const redis = new Redis(config.redis.url, { lazyConnect: false, maxRetriesPerRequest: 3 });
  services.push({ name: 'claims', stop: async () => void (await redis.quit()) });
  return createRedisClaims(redis, { prefix: `${config.redis.keyPrefix}claims:` });
}

/**
 * The complete stats bot from configuration: every standard command (`stats today week
 * realtime system services traffic db growth`, `login logout status mystats`, `schedule`,
 * `silence ack`), the sources, the session store, the daily and weekly reports into the
 * configured rooms, the Alertmanager relay, and — with `REDIS_URL` — exactly-once handling
 * across replicas. What is not configured answers with the variable to set.
 *
 * @example
 * const config = loadConfig(process.env);
 * const bot = await createStandardBot(config, { adapters: [createConsoleAdapter()], logger });
 * await bot.start();
 */
export async function createStandardBot(config: StatsConfig, options: StandardBotOptions): Promise<Bot> {
  const logger = options.logger ?? silentLogger();
  const metrics = createMetrics();
  const now = options.now ?? Date.now;
  const services: BotService[] = [];
  const sources: ManagedSources = createSources(config, { logger: logger.child({ component: 'sources' }), metrics, now });
  services.push({ name: 'sources', stop: () => sources.close() });

  const sessions = await createSessionsFromConfig(config, { logger: logger.child({ component: 'sessions' }), metrics, now });
  if (sessions) services.push({ name: 'sessions', stop: () => sessions.close() });

  const builders: { daily: ReportBuilder; weekly: ReportBuilder } = standardReportBuilders(sources, config);
  const wantsSchedules =
    config.matrix?.reportRoomId !== undefined ||
    config.telegram?.reportChatId !== undefined ||
    config.discord?.reportChannelId !== undefined ||
    config.schedule.targets !== undefined ||
    (options.schedules?.length ?? 0) > 0 ||
    config.alertmanager !== undefined;
  const schedules = wantsSchedules
    ? createSchedulesFromConfig(config, {
        adapters: options.adapters,
        logger: logger.child({ component: 'schedule' }),
        metrics,
        buildDaily: builders.daily,
        buildWeekly: builders.weekly,
        ...(options.schedules ? { schedules: options.schedules } : {}),
        now,
      })
    : undefined;
  const alerts = schedules
    ? createAlertsFromConfig(config, { adapters: options.adapters, notifier: schedules.notifier, targets: schedules.targets, metrics, logger: logger.child({ component: 'alerts' }) })
    : undefined;
  if (schedules) services.push(schedules.service);
  if (alerts) services.push(alerts.service);
  const claims = schedules?.claims ?? (await openClaims(config, services));

  const commands: Command[] = [
    ...standardCommands(),
    ...(sessions?.commands ?? ACCOUNT_PLACEHOLDERS),
    ...(schedules?.commands ?? []),
    ...(alerts?.commands ?? []),
    ...(options.commands ?? []),
  ];
  return createBot({
    adapters: options.adapters,
    commands,
    config,
    logger,
    metrics,
    sources,
    ...(sessions ? { sessions: sessions.manager } : {}),
    ...(claims ? { claims } : {}),
    ...(options.middleware ? { middleware: options.middleware } : {}),
    ...(options.http === undefined ? {} : { http: options.http }),
    services,
    handleSignals: options.handleSignals ?? true,
    now,
  });
}
