/**
 * `@stats/core`: the library. Commands and the bot that dispatches them, documents and their
 * renderers, sessions, data sources, report builders, the schedule engine, the HTTP server and
 * logging. An adapter (`@stats/adapter-matrix`, `-telegram`, `-discord`) binds a bot to a platform.
 *
 * The stats application built on it (the standard commands, accounts, alerts, configuration from
 * the environment) is `@stats/core/app`; what adapter authors call (the intake gate, mention
 * parsing) is `@stats/core/adapter`; test helpers are `@stats/core/testing`; stores that need an
 * optional driver are `@stats/core/stores/redis`, `/stores/sqlite`, `/stores/postgres` and
 * `@stats/core/queue`; charts are `@stats/core/charts`.
 *
 * Every export is named here on purpose: what is not listed is internal and may change.
 *
 * @packageDocumentation
 */

// ── Bot ──────────────────────────────────────────────────────────────────────────────────────────
export {
  createBot,
  type Bot,
  type BotConfig,
  type BotOptions,
  type BotService,
  type MessageClaims,
  type ResolvedBotConfig,
} from './bot.js';

// ── Commands ─────────────────────────────────────────────────────────────────────────────────────
export {
  defineCommand,
  arg,
  type ArgSpec,
  type ArgsShape,
  type Command,
  type CommandContext,
  type CommandErrorHandler,
  type CommandErrorInfo,
  type CommandResult,
  type CommandSettings,
  type CommandSpec,
  type InferArgs,
  type Guard,
  type GuardPlacement,
  type GuardSetup,
  type MaybePromise,
  type Middleware,
  type MiddlewareContext,
  type Next,
  type NumberBounds,
  type StandardResult,
  type StandardSchemaLike,
  type RateLimitSpec,
  type CommandRegistry,
} from './commands/index.js';

// ── Chat port: what an adapter implements ────────────────────────────────────────────────────────
export type {
  AdapterCapabilities,
  AdapterContext,
  AdapterCounter,
  AdapterGauge,
  AdapterMetrics,
  ArgumentDescriptor,
  ChatAdapter,
  CommandDescriptor,
  HttpHandler,
  HttpRefusal,
  HttpRoute,
  HttpRoutes,
  ImageAttachment,
  IncomingMessage,
  Platform,
  RedactResult,
  ReplyOptions,
  RoomRef,
  SendLimits,
  SendOptions,
  SentMessage,
  StructuredCommand,
  UserRef,
} from './chat/index.js';
export { createConsoleAdapter, type ConsoleAdapter, type ConsoleAdapterOptions } from './console/index.js';

// ── Documents and renderers ──────────────────────────────────────────────────────────────────────
export {
  document,
  textDocument,
  bold,
  italic,
  code,
  link,
  isDocument,
  sparkline,
  type Align,
  type Block,
  type ChartSeries,
  type ChartSpec,
  type Document,
  type DocumentBuilder,
  type Field,
  type Inline,
  type InlineContent,
  type Tone,
} from './document/index.js';
export {
  plainRenderer,
  matrixRenderer,
  telegramRenderer,
  discordRenderer,
  createPlainRenderer,
  createMatrixRenderer,
  createTelegramRenderer,
  createDiscordRenderer,
  type DiscordEmbed,
  type DiscordMessage,
  type MatrixMessage,
  type MatrixRendererOptions,
  type PlainRendererOptions,
  type Renderer,
  type TelegramRendererOptions,
} from './document/index.js';
export { escapeHtml, escapeMarkdown, neutralizeMentions, safeHref, sanitizeText } from './document/index.js';

// ── Sessions ─────────────────────────────────────────────────────────────────────────────────────
export {
  createSessionManager,
  createMemorySessionStore,
  createSessionCipher,
  keyFromSecret,
  loadOrCreateKeyFile,
  type Account,
  type AuthCallOptions,
  type AuthProvider,
  type Credentials,
  type DeviceLogin,
  type LoginResult,
  type MemorySessionStoreOptions,
  type Session,
  type SessionCipher,
  type SessionLock,
  type SessionManager,
  type SessionManagerOptions,
  type SessionService,
  type SessionStore,
} from './sessions/index.js';

// ── Sources ──────────────────────────────────────────────────────────────────────────────────────
export {
  createUmamiClient,
  createPrometheusClient,
  defaultPrometheusQueries,
  createHostSource,
  createGrowthSource,
  createAuthServiceClient,
  createDeviceFlowClient,
  createUpstreamClient,
  createTtlCache,
  type AuthServiceClient,
  type AuthServiceOptions,
  type DeviceFlowOptions,
  type GrowthData,
  type GrowthSource,
  type GrowthSourceOptions,
  type HostSource,
  type HostSourceOptions,
  type PrometheusClient,
  type PrometheusClientOptions,
  type PrometheusQueries,
  type PrometheusSource,
  type SourceCallOptions,
  type Sources,
  type SourcesConfig,
  type SystemSnapshot,
  type TimeSeries,
  type TtlCache,
  type TtlCacheOptions,
  type UmamiClient,
  type UmamiClientOptions,
  type UmamiWebsite,
  type UpstreamClient,
  type UpstreamOptions,
  type CallOptions,
  type CreditBalance,
  type CreditTransaction,
  type DatabaseStatus,
  type DiskUsage,
  type MalformedAnswerError,
  type QueryOptions,
  type RangeOptions,
  type Sample,
  type Series,
  type ServiceTraffic,
  type SignupDay,
  type TargetState,
  type UmamiCredentials,
  type UmamiFlavor,
  type UmamiMetricRow,
  type UmamiMetricType,
  type UmamiRange,
  type UmamiSeries,
  type UmamiStats,
  type UmamiUnit,
  type UpstreamRequest,
  type UpstreamResponse,
} from './sources/index.js';

// ── Report builders ──────────────────────────────────────────────────────────────────────────────
export {
  createFormatter,
  statsReport,
  todayReport,
  weekReport,
  realtimeReport,
  systemReport,
  servicesReport,
  trafficReport,
  dbReport,
  growthReport,
  periodReport,
  lastDays,
  today,
  previousDays,
  startOfDay,
  type Formatter,
  type PeriodReportData,
  type RealtimeData,
  type SiteStats,
  type TimeRange,
  type WebsiteStatsData,
  type TopRows,
} from './reports/index.js';

// ── Schedule engine ──────────────────────────────────────────────────────────────────────────────
export {
  defineSchedule,
  createScheduler,
  createNotifier,
  cronTime,
  createMemoryScheduleStore,
  createMemoryDeliveryLog,
  createMemoryClaims,
  createRateLimiter,
  minimumFanOutMs,
  createScheduleCommand,
  DEFAULT_SEND_LIMITS,
  type Claims,
  type CronTime,
  type DeliveryLog,
  type DeliveryOutcome,
  type Notifier,
  type NotifierOptions,
  type SendLimitsByPlatform,
  type RateLimiter,
  type Report,
  type ReportBuilder,
  type ReportPeriod,
  type ReportTarget,
  type RetryPolicy,
  type ScheduledJob,
  type ScheduleInfo,
  type Scheduler,
  type SchedulerOptions,
  type ScheduleSpec,
  type ScheduleStore,
  type BeginResult,
  type BucketSpec,
  type Lease,
} from './schedule/index.js';

// ── Server, metrics, logging ─────────────────────────────────────────────────────────────────────
export {
  startHttpServer,
  DEFAULT_HTTP_LIMITS,
  type HttpLimits,
  type HttpServer,
  type HttpServerOptions,
} from './server/index.js';
export {
  createMetrics,
  type Metrics,
  type MetricsOptions,
  type FastCounter,
  type FastHistogram,
  type FastGauge,
  type MetricSnapshot,
  type MetricValue,
  type CounterSeries,
  type HistogramSeries,
} from './metrics/index.js';
export {
  createLogger,
  defaultLogger,
  silentLogger,
  withErrorSerializers,
  serializeError,
  scrubSecrets,
  type CreateLoggerOptions,
  type Logger,
  type SerializedError,
} from './logging/index.js';

// ── Errors ───────────────────────────────────────────────────────────────────────────────────────
export {
  StatsError,
  UpstreamError,
  UnreachableError,
  TimeoutError,
  ConfigError,
  isStatsError,
  type ErrorCode,
} from './errors/index.js';
