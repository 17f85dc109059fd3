import { ConfigError } from '../../errors/index.js';
import { envSchema, REQUIRED_TOGETHER, type Env } from './env-schema.js';

/**
 * The validated shared configuration of a bot, grouped by concern. Absent sections are not
 * configured. Each platform's own settings come from its adapter's `fromEnv`.
 */
export interface StatsConfig {
  /** Every parsed variable, for settings not grouped below. */
  readonly env: Env;
  readonly port: number;
  readonly host: string;
  readonly timeZone: string;
  readonly locale: 'en' | 'de';
  readonly logLevel: Env['LOG_LEVEL'];
  readonly dataDir: string;
  readonly prefix: string;
  readonly commandTimeoutMs: number;
  readonly catchUpWindowMs: number;
  readonly shutdownTimeoutMs: number;
  readonly umami?: {
    readonly url: string;
    readonly username?: string;
    readonly password?: string;
    readonly apiKey?: string;
  };
  readonly prometheus?: {
    readonly url: string;
    readonly statusLabel: string;
    readonly queries?: Readonly<Record<string, string>>;
  };
  readonly database?: { readonly url: string; readonly growthQuery?: string };
  readonly auth?: {
    readonly url: string;
    readonly serviceKey?: string;
    readonly jwksUrl?: string;
    readonly issuer?: string;
  };
  readonly oidc?: { readonly issuer: string; readonly clientId: string; readonly scope: string };
  readonly sessions: {
    readonly store: 'sqlite' | 'memory' | 'redis' | 'postgres';
    readonly secret?: string;
    readonly databaseUrl?: string;
  };
  readonly redis?: { readonly url: string; readonly keyPrefix: string };
  /** The brute-force and device-login limits (`LOGIN_ATTEMPTS_*`, `DEVICE_LOGIN_MAX_FLOWS`). */
  readonly login: {
    readonly perUser: number;
    readonly perEmail: number;
    readonly windowMs: number;
    readonly maxDeviceFlows: number;
  };
  readonly schedule: {
    readonly dailyCron: string;
    readonly weeklyCron: string;
    readonly graceMs: number;
    readonly targets?: string;
    /** `MATRIX_REPORT_ROOM_ID`, `TELEGRAM_REPORT_CHAT_ID`, `DISCORD_REPORT_CHANNEL_ID`: the report room per platform. */
    readonly reportRooms: { readonly matrix?: string; readonly telegram?: string; readonly discord?: string };
  };
  readonly alertmanager?: {
    readonly url?: string;
    readonly webhookToken?: string;
    /** `ALERT_SILENCE_ALLOWED`: accounts (e-mail, subject) or chat users allowed to `!silence`/`!ack` (unset: any logged-in user). */
    readonly silenceAllowed?: readonly string[];
    /** `SILENCE_MAX_DURATION`, ms (default 24 h). */
    readonly silenceMaxMs: number;
  };
  /** The `/status` page; absent (off) unless `STATUS_TOKEN` is set. */
  readonly status?: { readonly token: string };
}

type Raw = Readonly<Record<string, string | undefined>>;

/** Drops `undefined` values so optional properties stay absent (exactOptionalPropertyTypes). */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/**
 * Reads and validates the configuration from environment variables. Empty strings count as
 * unset. Pure: pass `process.env` at the edge.
 *
 * @throws ConfigError naming every bad or missing variable and why, never a value.
 * @example
 * const config = loadConfig(process.env);
 */
export function loadConfig(raw: Raw): StatsConfig {
  const input: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value !== undefined && value.trim() !== '') input[key] = value;
  }
  const problems: string[] = [];
  const variables: string[] = [];
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0] ?? '?');
      variables.push(name);
      problems.push(`${name} ${issue.message}`);
    }
  }
  for (const [when, needs] of REQUIRED_TOGETHER) {
    if (input[when] === undefined) continue;
    for (const need of needs) {
      if (input[need] === undefined) {
        variables.push(need);
        problems.push(`${need} is required when ${when} is set`);
      }
    }
  }
  if (input['UMAMI_API_URL'] !== undefined && input['UMAMI_API_KEY'] === undefined) {
    for (const need of ['UMAMI_USERNAME', 'UMAMI_PASSWORD']) {
      if (input[need] === undefined) {
        variables.push(need);
        problems.push(`${need} is required when UMAMI_API_URL is set (or set UMAMI_API_KEY for Umami Cloud)`);
      }
    }
  }
  const store = input['SESSION_STORE'];
  if (store === 'redis' && input['REDIS_URL'] === undefined) {
    variables.push('REDIS_URL');
    problems.push('REDIS_URL is required when SESSION_STORE is redis');
  }
  if (store === 'postgres' && input['SESSION_DATABASE_URL'] === undefined && input['DATABASE_URL'] === undefined) {
    variables.push('SESSION_DATABASE_URL');
    problems.push('SESSION_DATABASE_URL (or DATABASE_URL) is required when SESSION_STORE is postgres');
  }
  if (problems.length > 0 || !parsed.success) {
    const unique = [...new Set(variables)];
    throw new ConfigError(unique, `Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  const e = parsed.data;
  return {
    env: e,
    port: e.PORT,
    host: e.HOST,
    timeZone: e.TZ,
    locale: e.LOCALE,
    logLevel: e.LOG_LEVEL,
    dataDir: e.DATA_DIR,
    prefix: e.COMMAND_PREFIX,
    commandTimeoutMs: e.COMMAND_TIMEOUT,
    catchUpWindowMs: e.CATCH_UP_WINDOW,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT,
    ...(e.UMAMI_API_URL
      ? {
          umami: defined({
            url: e.UMAMI_API_URL,
            username: e.UMAMI_USERNAME,
            password: e.UMAMI_PASSWORD,
            apiKey: e.UMAMI_API_KEY,
          }),
        }
      : {}),
    ...(e.PROMETHEUS_URL
      ? {
          prometheus: defined({
            url: e.PROMETHEUS_URL,
            statusLabel: e.PROMETHEUS_STATUS_LABEL,
            queries: e.PROMETHEUS_QUERIES,
          }),
        }
      : {}),
    ...(e.DATABASE_URL ? { database: defined({ url: e.DATABASE_URL, growthQuery: e.GROWTH_QUERY }) } : {}),
    ...(e.AUTH_URL
      ? {
          auth: defined({
            url: e.AUTH_URL,
            serviceKey: e.AUTH_SERVICE_KEY,
            jwksUrl: e.AUTH_JWKS_URL,
            issuer: e.AUTH_ISSUER,
          }),
        }
      : {}),
    ...(e.OIDC_ISSUER && e.OIDC_CLIENT_ID
      ? { oidc: { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, scope: e.OIDC_SCOPE } }
      : {}),
    sessions: defined({
      store: e.SESSION_STORE ?? 'sqlite',
      secret: e.SESSION_SECRET,
      databaseUrl: e.SESSION_DATABASE_URL ?? (e.SESSION_STORE === 'postgres' ? e.DATABASE_URL : undefined),
    }),
    ...(e.REDIS_URL ? { redis: { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX } } : {}),
    login: {
      perUser: e.LOGIN_ATTEMPTS_PER_USER,
      perEmail: e.LOGIN_ATTEMPTS_PER_EMAIL,
      windowMs: e.LOGIN_ATTEMPTS_WINDOW,
      maxDeviceFlows: e.DEVICE_LOGIN_MAX_FLOWS,
    },
    schedule: {
      ...defined({
        dailyCron: e.DAILY_REPORT_CRON,
        weeklyCron: e.WEEKLY_REPORT_CRON,
        graceMs: e.SCHEDULE_GRACE,
        targets: e.REPORT_TARGETS,
      }),
      reportRooms: defined({
        matrix: e.MATRIX_REPORT_ROOM_ID,
        telegram: e.TELEGRAM_REPORT_CHAT_ID,
        discord: e.DISCORD_REPORT_CHANNEL_ID,
      }),
    },
    ...(e.ALERTMANAGER_URL || e.ALERTMANAGER_WEBHOOK_TOKEN
      ? {
          alertmanager: defined({
            url: e.ALERTMANAGER_URL,
            webhookToken: e.ALERTMANAGER_WEBHOOK_TOKEN,
            silenceAllowed: e.ALERT_SILENCE_ALLOWED,
            silenceMaxMs: e.SILENCE_MAX_DURATION,
          }),
        }
      : {}),
    ...(e.STATUS_TOKEN ? { status: { token: e.STATUS_TOKEN } } : {}),
  };
}
