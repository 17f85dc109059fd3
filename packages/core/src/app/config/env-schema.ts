import { z } from 'zod';
import { DEFAULT_CATCH_UP_WINDOW_MS } from '../../intake/index.js';

const url = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const anyUrl = z
  .string()
  .min(1)
  .refine((v) => URL.canParse(v), 'must be a URL');
const text = z.string().trim().min(1, 'must not be empty');
const port = z.coerce.number({ error: 'must be a port number' }).int().min(0).max(65535);
const positiveInt = z.coerce.number({ error: 'must be a whole number' }).int().positive();
const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const timeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Berlin');
/** Durations like `90s`, `5m`, `2h`, `1d`, or plain seconds. */
const duration = z.string().transform((v, ctx) => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(v.trim());
  if (!m) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as 90s, 5m, 2h or 1d' });
    return z.NEVER;
  }
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    (m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Math.round(n * unit);
});
const cron = z.string().refine((v) => {
  const n = v.trim().split(/\s+/).length;
  return n === 5 || n === 6;
}, 'must be a cron expression with 5 or 6 fields, e.g. "0 9 * * 1"');

/**
 * Every shared environment variable stats reads, with its rules. Names follow the seed deployment
 * (matrix-stats-bot); unset optional variables stay `undefined`. A platform's own variables
 * (`MATRIX_*`, `TELEGRAM_*`, `DISCORD_*` but the report rooms) are read by its adapter's `fromEnv`.
 */
export const envSchema = z.object({
  // general
  // Enums take objects, not arrays: a union of literals prints in an order that varies between
  // builds, which made the API report differ on a clean clone; an object keeps its written order.
  NODE_ENV: z.enum({ development: 'development', production: 'production', test: 'test' }).optional(),
  PORT: port.default(3312),
  HOST: z.string().default('0.0.0.0'),
  TZ: timeZone.default('Europe/Berlin'),
  LOCALE: z.enum({ en: 'en', de: 'de' }, { error: 'must be en or de' }).default('en'),
  LOG_LEVEL: z
    .enum({
      fatal: 'fatal',
      error: 'error',
      warn: 'warn',
      info: 'info',
      debug: 'debug',
      trace: 'trace',
      silent: 'silent',
    })
    .default('info'),
  DATA_DIR: text.default('./data'),
  COMMAND_PREFIX: z.string().min(1).max(5).default('!'),
  COMMAND_TIMEOUT: duration.default(15_000),
  CATCH_UP_WINDOW: duration.default(DEFAULT_CATCH_UP_WINDOW_MS),
  SHUTDOWN_TIMEOUT: duration.default(10_000),
  // umami
  UMAMI_API_URL: url.optional(),
  UMAMI_USERNAME: text.optional(),
  UMAMI_PASSWORD: text.optional(),
  UMAMI_API_KEY: text.optional(),
  // prometheus / victoriametrics
  PROMETHEUS_URL: url.optional(),
  PROMETHEUS_STATUS_LABEL: z
    .string()
    .regex(/^[a-zA-Z_]\w*$/, 'must be a label name')
    .default('status'),
  /** PromQL overrides as JSON, e.g. `{"cpuPercent":"…"}` (keys: see `defaultPrometheusQueries`). */
  PROMETHEUS_QUERIES: z
    .string()
    .transform((v, ctx) => {
      try {
        const parsed = JSON.parse(v) as unknown;
        if (
          typeof parsed === 'object' &&
          parsed !== null &&
          !Array.isArray(parsed) &&
          Object.values(parsed).every((q) => typeof q === 'string' && q.trim() !== '')
        ) {
          return parsed as Record<string, string>;
        }
      } catch {
        // reported below
      }
      ctx.addIssue({
        code: 'custom',
        message: 'must be a JSON object of query name to PromQL, e.g. {"cpuPercent":"…"}',
      });
      return z.NEVER;
    })
    .optional(),
  // postgres growth
  DATABASE_URL: anyUrl.optional(),
  GROWTH_QUERY: text.optional(),
  // sessions / auth
  AUTH_URL: url.optional(),
  AUTH_SERVICE_KEY: text.optional(),
  AUTH_JWKS_URL: url.optional(),
  AUTH_ISSUER: text.optional(),
  OIDC_ISSUER: url.optional(),
  OIDC_CLIENT_ID: text.optional(),
  OIDC_SCOPE: text.default('openid email profile offline_access'),
  SESSION_STORE: z
    .enum(
      { sqlite: 'sqlite', memory: 'memory', redis: 'redis', postgres: 'postgres' },
      { error: 'must be sqlite, memory, redis or postgres' },
    )
    .optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SESSION_DATABASE_URL: anyUrl.optional(),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .optional(),
  REDIS_KEY_PREFIX: z.string().default('stats:'),
  LOGIN_ATTEMPTS_PER_USER: positiveInt.default(5),
  LOGIN_ATTEMPTS_PER_EMAIL: positiveInt.default(10),
  LOGIN_ATTEMPTS_WINDOW: duration.default(900_000),
  DEVICE_LOGIN_MAX_FLOWS: positiveInt.default(50),
  // schedules
  DAILY_REPORT_CRON: cron.default('0 9 * * *'),
  WEEKLY_REPORT_CRON: cron.default('0 9 * * 1'),
  SCHEDULE_GRACE: duration.default(7_200_000),
  REPORT_TARGETS: text.optional(),
  // report rooms per platform (each adapter's own variables are read by its `fromEnv`)
  MATRIX_REPORT_ROOM_ID: z
    .string()
    .regex(/^!.+:.+$/, 'must be a room id such as !abc:example.org')
    .optional(),
  TELEGRAM_REPORT_CHAT_ID: z
    .string()
    .regex(/^-?\d+$|^@\w+$/, 'must be a chat id or @channelname')
    .optional(),
  DISCORD_REPORT_CHANNEL_ID: z.string().regex(/^\d+$/, 'must be a numeric id').optional(),
  // alertmanager
  ALERTMANAGER_URL: url.optional(),
  ALERTMANAGER_WEBHOOK_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  ALERT_SILENCE_ALLOWED: list.optional(),
  SILENCE_MAX_DURATION: duration.default(86_400_000),
  // status page (off unless set)
  STATUS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
});

/** The parsed environment. */
export type Env = z.infer<typeof envSchema>;

/** Variables whose values are secrets: never echoed in an error or a log. */
export const SECRET_VARIABLES: ReadonlySet<string> = new Set([
  'UMAMI_PASSWORD',
  'UMAMI_API_KEY',
  'AUTH_SERVICE_KEY',
  'SESSION_SECRET',
  'ALERTMANAGER_WEBHOOK_TOKEN',
  'STATUS_TOKEN',
  'DATABASE_URL',
  'SESSION_DATABASE_URL',
  'REDIS_URL',
]);

/** Pairs that only make sense together: when the first is set, each of the others is required. */
export const REQUIRED_TOGETHER: readonly (readonly [string, readonly string[]])[] = [
  ['OIDC_ISSUER', ['OIDC_CLIENT_ID']],
];
