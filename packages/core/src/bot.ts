import type { Logger } from 'pino';
import { settleWithin } from './async/index.js';
import type { ChatAdapter, CommandDescriptor, IncomingMessage, RoomRef, SentMessage } from './chat/index.js';
import {
  CommandRegistry,
  Dispatcher,
  createHelpCommand,
  type Command,
  type CommandErrorHandler,
  type GuardPlacement,
  type Middleware,
  defaultGuards,
  insertGuard,
  type RateLimitSpec,
} from './commands/index.js';
import { ConfigError } from './errors/index.js';
import type { Document } from './document/index.js';
import { defaultLogger, withErrorSerializers } from './logging/index.js';
import { createMetrics, scrapeEndpoint, type Metrics } from './metrics/index.js';
import { withClaimFallback } from './schedule/index.js';
import { startHttpServer, type HttpLimits, type HttpServer } from './server/index.js';
import type { SessionService } from './sessions/index.js';
import { createSources, type Sources, type SourcesConfig } from './sources/index.js';

/**
 * Claims each incoming message once across replicas (Redis) or restarts. `createBot` bounds
 * every claim: one that fails or takes longer than 750 ms is answered here and recorded later
 * (`withClaimFallback`).
 */
export interface MessageClaims {
  /** Resolves true for the first caller of `key` within `ttlMs`, false for every other. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Records the claim of a message answered without one; default `claim` (see `Claims.record`). */
  record?(key: string, ttlMs: number): Promise<boolean>;
}

/** A long-running part of a bot (scheduler, alert relay) started and stopped with it. */
export interface BotService {
  readonly name: string;
  start?(bot: Bot): void | Promise<void>;
  stop?(): void | Promise<void>;
}

/** A clear error for a port another process holds (a second copy of the bot), else undefined. */
function portInUse(error: unknown, http: { readonly port: number; readonly host?: string }): ConfigError | undefined {
  if ((error as { code?: unknown } | null)?.code !== 'EADDRINUSE') return undefined;
  const where = `${http.host ?? '0.0.0.0'}:${http.port}`;
  return new ConfigError(
    ['PORT'],
    `the HTTP port ${where} is in use (another copy of this bot?): set PORT to a free port, or PORT=0 for any`,
  );
}

/**
 * The settings a bot reads, each with a default. The stats application passes its whole
 * configuration (`StatsConfig` from `@stats/core/app` has this shape); a library bot passes what it needs.
 */
export interface BotConfig extends Partial<SourcesConfig> {
  /** Command prefix (default `!`). */
  readonly prefix?: string;
  /** BCP 47 locale for replies, numbers and dates (default `en`). */
  readonly locale?: string;
  /** IANA time zone of dates and days (default `Europe/Berlin`). */
  readonly timeZone?: string;
  /** Default time budget of a command, ms (default 15 s). */
  readonly commandTimeoutMs?: number;
  /** How long `stop()` waits for commands in flight, ms (default 10 s). */
  readonly shutdownTimeoutMs?: number;
}

/** A {@link BotConfig} with every default applied. */
export type ResolvedBotConfig = Required<
  Pick<BotConfig, 'prefix' | 'locale' | 'timeZone' | 'commandTimeoutMs' | 'shutdownTimeoutMs'>
>;

const DEFAULT_CONFIG: ResolvedBotConfig = {
  prefix: '!',
  locale: 'en',
  timeZone: 'Europe/Berlin',
  commandTimeoutMs: 15_000,
  shutdownTimeoutMs: 10_000,
};

/** Options of {@link createBot}. */
export interface BotOptions {
  /** The chat platforms to serve. */
  readonly adapters: readonly ChatAdapter[];
  /** Commands besides the built-in `help`. */
  readonly commands?: readonly Command[];
  /** Settings (default: every default of {@link BotConfig}); also where the default `sources` are. */
  readonly config?: BotConfig;
  /**
   * The logger (default: warnings and errors as JSON on standard error, see `defaultLogger`);
   * errors are logged through `serializeError` whatever its own serializers.
   */
  readonly logger?: Logger;
  /** Upstream clients for `ctx.sources`. */
  readonly sources?: Sources;
  /** The session service for `auth: 'session'` commands. */
  readonly sessions?: SessionService;
  /**
   * The bot's HTTP server (`/health`, `/metrics`, webhooks) and its limits. Default: none, so a
   * library bot opens no port unless asked; `{ port: 0 }` picks a free one. (The stats
   * application passes `PORT`.)
   */
  readonly http?: { readonly port: number; readonly host?: string; readonly limits?: HttpLimits } | false;
  /** The clock, Unix ms (default `Date.now`). */
  readonly now?: () => number;
  /** Command prefix (default `config.prefix`, `!`). */
  readonly prefix?: string;
  /** Default time budget of a command, ms (default `config.commandTimeoutMs`, 15 s). */
  readonly timeoutMs?: number;
  /** Default per-user rate limit (default 8 commands, then one every 2 s); `false` disables it. */
  readonly rateLimit?: RateLimitSpec | false;
  /** Extra middleware around every command; runs where the `middleware` guard stands in `guards`. */
  readonly middleware?: readonly Middleware[];
  /**
   * Guards of your own, each placed before or after a built-in one (`answer`, `direct-only`,
   * `redact-sensitive`, `rate-limit`, `arguments`, `work`, `session`, `middleware`), e.g.
   * `[{ guard: audit, before: 'rate-limit' }]`.
   */
  readonly guards?: readonly GuardPlacement[];
  /** Show typing once a command has worked this long, ms (default 300); renewed before the platform's typing timeout. */
  readonly typingDelayMs?: number;
  /** Sees every command failure that is not the user's fault, after it was logged (tests, error trackers). */
  readonly onError?: CommandErrorHandler;
  /** Claims each message once (replicas); default: none. */
  readonly claims?: MessageClaims;
  /** Metrics registry (default: a new one). */
  readonly metrics?: Metrics;
  /** Services started after the adapters and stopped before them. */
  readonly services?: readonly BotService[];
  /** Stop on SIGTERM/SIGINT and exit the process (default false). */
  readonly handleSignals?: boolean;
}

/** A running (or ready to run) bot. */
export interface Bot {
  readonly config: ResolvedBotConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly registry: CommandRegistry;
  readonly adapters: readonly ChatAdapter[];
  /** The HTTP server once started (undefined when disabled or before `start()`). */
  readonly http: HttpServer | undefined;
  /** Command descriptors, as adapters get them. */
  readonly commands: readonly CommandDescriptor[];
  /** Aborted when the bot begins to stop. */
  readonly signal: AbortSignal;
  /** Connects every adapter, starts the HTTP server and the services. */
  start(): Promise<void>;
  /** Graceful stop: refuse new messages, finish in-flight ones (up to the deadline), close everything. */
  stop(): Promise<void>;
  /** Handles one message as if `adapter` had delivered it. */
  handle(message: IncomingMessage, adapter: ChatAdapter): Promise<void>;
  /** The adapter of a platform. */
  adapter(platform: string): ChatAdapter | undefined;
  /** Sends a document into a room of a platform. */
  send(room: RoomRef, doc: Document): Promise<SentMessage[]>;
}

const DEFAULT_RATE: RateLimitSpec = { capacity: 8, refillPerSecond: 0.5 };

/**
 * Creates a bot: wires adapters, commands (plus the generated `help`), sources, sessions and
 * services. Nothing connects until `start()`.
 *
 * @example
 * const bot = createBot({ adapters: [createConsoleAdapter()], commands: [uptime] });
 * await bot.start();
 */
export function createBot(options: BotOptions): Bot {
  const given = options.config ?? {};
  const config: ResolvedBotConfig = {
    prefix: given.prefix ?? DEFAULT_CONFIG.prefix,
    locale: given.locale ?? DEFAULT_CONFIG.locale,
    timeZone: given.timeZone ?? DEFAULT_CONFIG.timeZone,
    commandTimeoutMs: given.commandTimeoutMs ?? DEFAULT_CONFIG.commandTimeoutMs,
    shutdownTimeoutMs: given.shutdownTimeoutMs ?? DEFAULT_CONFIG.shutdownTimeoutMs,
  };
  // A logger handed in by the bot author gets our error serializer: no path logs a raw SDK error.
  const logger = options.logger === undefined ? defaultLogger() : withErrorSerializers(options.logger);
  const metrics = options.metrics ?? createMetrics();
  const now = options.now ?? Date.now;
  const prefix = options.prefix ?? config.prefix;
  const registry = new CommandRegistry();
  registry.add(createHelpCommand(registry));
  registry.add(...(options.commands ?? []));
  const descriptors = registry.describe();
  const shutdown = new AbortController();
  const dispatcher = new Dispatcher({
    registry,
    metrics,
    timeoutMs: options.timeoutMs ?? config.commandTimeoutMs,
    rateLimit: options.rateLimit ?? DEFAULT_RATE,
    ...(options.middleware ? { middleware: options.middleware } : {}),
    ...(options.guards
      ? { guards: options.guards.reduce((chain, p) => insertGuard(chain, p.guard, p), [...defaultGuards]) }
      : {}),
    ...(options.typingDelayMs === undefined ? {} : { typingDelayMs: options.typingDelayMs }),
    ...(options.onError ? { onError: options.onError } : {}),
    shared: {
      sources: options.sources ?? createSources({ ...given, timeZone: config.timeZone }, { logger, metrics }),
      sessions: options.sessions,
      settings: { prefix, locale: config.locale, timeZone: config.timeZone },
      logger,
      shutdown: shutdown.signal,
      now,
    },
  });
  const claims =
    options.claims === undefined
      ? undefined
      : withClaimFallback(options.claims, {
          registry: metrics.registry,
          logger: logger.child({ component: 'claims' }),
          now,
        });
  const services = options.services ?? [];
  const byPlatform = new Map(options.adapters.map((a) => [a.platform, a]));
  const noNames: readonly string[] = [];
  let http: HttpServer | undefined;
  let state: 'new' | 'running' | 'stopping' | 'stopped' = 'new';
  const signalHandlers: (() => void)[] = [];

  const claimThenDispatch = async (
    message: IncomingMessage,
    adapter: ChatAdapter,
    claimer: MessageClaims,
  ): Promise<void> => {
    let claimed: boolean;
    try {
      claimed = await claimer.claim(`${message.platform}:${message.id}`, 86_400_000);
    } catch (error) {
      logger.error({ err: error, platform: message.platform }, 'could not claim a message; handling it here');
      claimed = true;
    }
    if (!claimed) {
      metrics.messagesDropped.inc({ platform: message.platform, reason: 'claimed_elsewhere' });
      return;
    }
    return dispatcher.dispatch(message, adapter, adapter.mentionNames?.() ?? noNames);
  };

  const handle = (message: IncomingMessage, adapter: ChatAdapter): Promise<void> => {
    if (state === 'stopping' || state === 'stopped') {
      metrics.messagesDropped.inc({ platform: message.platform, reason: 'shutting_down' });
      return Promise.resolve();
    }
    if (claims !== undefined) return claimThenDispatch(message, adapter, claims);
    return dispatcher.dispatch(message, adapter, adapter.mentionNames?.() ?? noNames);
  };

  const bot: Bot = {
    config,
    logger,
    metrics,
    registry,
    adapters: options.adapters,
    get http() {
      return http;
    },
    commands: descriptors,
    signal: shutdown.signal,
    handle,
    adapter: (platform) => byPlatform.get(platform),
    async send(room, doc) {
      const adapter = byPlatform.get(room.platform);
      if (adapter === undefined) throw new TypeError(`no adapter for platform ${room.platform}`);
      return adapter.send(room, doc);
    },
    async start() {
      if (state !== 'new') throw new Error(`bot cannot start: it is ${state}`);
      state = 'running';
      const httpOption: NonNullable<BotOptions['http']> = options.http ?? false;
      if (httpOption !== false) {
        http = await startHttpServer({
          port: httpOption.port,
          ...(httpOption.host === undefined ? {} : { host: httpOption.host }),
          ...(httpOption.limits === undefined ? {} : { limits: httpOption.limits }),
          registry: scrapeEndpoint(metrics),
          logger: logger.child({ component: 'http' }),
          readiness: () => {
            const checks: Record<string, boolean> = {};
            for (const adapter of options.adapters) {
              const ready = state === 'running' && adapter.isReady();
              checks[adapter.platform] = ready;
              metrics.adapterReady.set({ platform: adapter.platform }, ready ? 1 : 0);
            }
            return checks;
          },
        }).catch((error: unknown) => {
          state = 'stopped';
          throw portInUse(error, httpOption) ?? error;
        });
        logger.info({ url: http.url }, 'HTTP server listening (/health, /health/ready, /metrics)');
      }
      try {
        for (const adapter of options.adapters) {
          await adapter.start({
            onMessage: (message) => handle(message, adapter),
            commands: descriptors,
            prefix,
            signal: shutdown.signal,
            logger: logger.child({ component: 'adapter', platform: adapter.platform }),
            metrics,
            http,
            requestStop: (reason) => {
              logger.info({ platform: adapter.platform, reason }, 'adapter asked the bot to stop');
              bot.stop().catch((error: unknown) => logger.error({ err: error }, 'stop failed'));
            },
          });
          logger.info({ platform: adapter.platform }, 'adapter connected');
        }
        for (const service of services) await service.start?.(bot);
      } catch (error) {
        logger.error({ err: error }, 'start failed; stopping');
        await bot.stop();
        throw error;
      }
      if (options.handleSignals) {
        for (const signal of ['SIGTERM', 'SIGINT'] as const) {
          const onSignal = (): void => {
            logger.info({ signal }, 'stopping');
            bot.stop().then(
              () => process.exit(0),
              (error: unknown) => {
                logger.error({ err: error }, 'stop failed');
                process.exit(1);
              },
            );
          };
          process.once(signal, onSignal);
          signalHandlers.push(() => process.off(signal, onSignal));
        }
      }
    },
    async stop() {
      if (state === 'stopping' || state === 'stopped') return;
      state = 'stopping';
      for (const remove of signalHandlers.splice(0)) remove();
      await Promise.all(
        options.adapters.map((adapter) =>
          adapter
            .stopReceiving?.()
            .catch((error: unknown) =>
              logger.error({ err: error, platform: adapter.platform }, 'adapter did not stop receiving cleanly'),
            ),
        ),
      );
      // The one drain on stop: adapters do not wait for their messages again.
      if (dispatcher.inFlight > 0 && !(await settleWithin([dispatcher.drained()], config.shutdownTimeoutMs))) {
        logger.warn({ inFlight: dispatcher.inFlight }, 'shutdown deadline reached with commands still running');
      }
      shutdown.abort(new Error('bot stopping'));
      await claims?.close().catch((error: unknown) => logger.error({ err: error }, 'claims did not close cleanly'));
      for (const service of [...services].reverse()) {
        try {
          await service.stop?.();
        } catch (error) {
          logger.error({ err: error, service: service.name }, 'service did not stop cleanly');
        }
      }
      await Promise.all(
        options.adapters.map((adapter) =>
          adapter
            .stop()
            .catch((error: unknown) =>
              logger.error({ err: error, platform: adapter.platform }, 'adapter did not stop cleanly'),
            ),
        ),
      );
      await http?.close();
      state = 'stopped';
      logger.info('stopped');
    },
  };
  return bot;
}
