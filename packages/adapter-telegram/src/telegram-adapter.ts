import { autoRetry } from '@grammyjs/auto-retry';
import {
  ConfigError,
  telegramRenderer,
  withErrorSerializers,
  textDocument,
  type AdapterCapabilities,
  type AdapterContext,
  type ChatAdapter,
  type Document,
  type ImageAttachment,
  type IncomingMessage,
  type RedactResult,
  type ReplyOptions,
  type Renderer,
  type RoomRef,
  type SendLimits,
  type SentMessage,
} from '@stats/core';
import { settleWithin } from '@stats/core/adapter';
import { Bot, GrammyError } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import { allowListMiddleware, type TelegramAllowList } from './allow-list.js';
import { commandMenu } from './command-menu.js';
import { parseMessageKey } from './incoming.js';
import { TelegramSender, destinationOf, type ChartRenderer } from './outgoing.js';
import { TELEGRAM_SEND_LIMITS } from './send-limits.js';
import { throttler } from './throttle.js';
import { openUpdateJournal } from './update-journal.js';
import { createUpdateIntake } from './update-intake.js';
import { networkRetry } from './network-retry.js';
import { startUpdatePoller, type UpdatePoller } from './update-poller.js';
import { createWebhookHandler } from './webhook-route.js';
import { telegramFailure } from './sdk-errors.js';

/** Options of {@link createTelegramAdapter}. */
export interface TelegramAdapterOptions {
  /** The bot token from @BotFather (`TELEGRAM_BOT_TOKEN`). Never logged. */
  readonly token: string;
  /** A self-hosted Bot API server (`TELEGRAM_API_ROOT`), no trailing slash; default Telegram's. */
  readonly apiRoot?: string;
  /**
   * Webhook mode (`TELEGRAM_WEBHOOK_URL`, `TELEGRAM_WEBHOOK_SECRET`): Telegram POSTs updates to
   * `url`, served on the bot's HTTP server at `path` (default: the URL's path). Without it the
   * adapter long-polls (and deletes any webhook).
   */
  readonly webhook?: { readonly url: string; readonly secret: string; readonly path?: string } | undefined;
  /** Where the handled-update journal lives (`DATA_DIR`). */
  readonly dataDir: string;
  /**
   * After a restart, commands younger than this are answered, older ones dropped (default the
   * core's `DEFAULT_CATCH_UP_WINDOW_MS`, 5 min).
   */
  readonly catchUpWindowMs?: number;
  /**
   * How long `stop()` waits for updates being handled before it confirms what was handled and
   * returns anyway, ms (default 10,000). Updates still running then stay unconfirmed, so the
   * next start gets them again (and the journal drops those that did finish).
   */
  readonly stopTimeoutMs?: number;
  /** The adapter's logger (default: the bot's, from the start context). */
  readonly logger?: AdapterContext['logger'];
  /** Renders documents to Telegram HTML (default the core's `telegramRenderer`, split at 4,096). */
  readonly renderer?: Renderer<string>;
  /** Renders chart blocks to PNG; with it charts are sent as photos, without it as text. */
  readonly renderChart?: ChartRenderer;
  /**
   * Retries: `retry_after` waits and 5xx retries (defaults: 5 attempts, at most 60 s per wait),
   * and calls that never reached Telegram (network errors), retried for at most
   * `networkRetryMs` (default 20 s) so an outage holds a chat's queue that long at most.
   */
  readonly retry?: {
    readonly maxRetryAttempts?: number;
    readonly maxDelaySeconds?: number;
    readonly networkRetryMs?: number;
  };
  /** Long polling: the pause between polls while a command runs, ms (default 250; see the README). */
  readonly busyPollMs?: number;
  /**
   * Outgoing rate limits (default {@link TELEGRAM_SEND_LIMITS}, Telegram's published ones): the
   * adapter throttles its calls by them and declares them as `sendLimits` for the notifier.
   * `false` turns the adapter's own throttling off (the notifier still keeps the default ones).
   */
  readonly throttle?: SendLimits | false;
  /** The getMe answer, to skip the call (tests, many bots in one process). */
  readonly botInfo?: UserFromGetMe;
  /** The clock, Unix ms (default `Date.now`). */
  readonly now?: () => number;
  /** Who may use the bot (`TELEGRAM_ALLOWED_USERS`, `TELEGRAM_ALLOWED_CHATS`); default everyone. */
  readonly allow?: TelegramAllowList;
}

/** The Telegram adapter: a {@link ChatAdapter} that can stop receiving before the bot drains. */
export interface TelegramAdapter extends ChatAdapter {
  /**
   * Stops taking updates (polling stops, the webhook answers 503 so Telegram redelivers later)
   * while replies in flight still go out. Call it before `bot.stop()` so nothing that arrives
   * during the drain is taken and then dropped.
   */
  stopReceiving(): Promise<void>;
  /** The bot's username (from getMe) once started. */
  readonly username: string | undefined;
}

/** The logger adapters get from the bot (pino). */
type Logger = AdapterContext['logger'];

const CAPABILITIES: AdapterCapabilities = {
  maxMessageLength: 4096,
  html: true,
  images: true,
  redact: true,
  ephemeral: false,
  directRooms: true,
  edit: true,
};

/** Telegram shows `typing` about 5 s, or until the bot's next message; the core renews it. */
const TYPING_TIMEOUT_MS = 5000;
/** The default of {@link TelegramAdapterOptions.stopTimeoutMs}. */
const STOP_TIMEOUT_MS = 10_000;

function describe(error: unknown): string {
  if (error instanceof GrammyError) return `${error.method}: ${error.error_code} ${error.description}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Turns Telegram's 401 into a `ConfigError` naming the variable, and anything else into an error
 * without the SDK's payload or URL (they carry the webhook secret and the bot token).
 */
function refusedToken(error: unknown): never {
  if (error instanceof GrammyError && error.error_code === 401) {
    throw new ConfigError(
      ['TELEGRAM_BOT_TOKEN'],
      'Telegram refused the bot token (401 Unauthorized): check TELEGRAM_BOT_TOKEN (create one with @BotFather).',
    );
  }
  throw telegramFailure(error, 'start');
}

/**
 * The Telegram adapter on grammY: long polling (or a webhook on the bot's HTTP server),
 * commands registered with setMyCommands, `/cmd` and `/cmd@bot` mapped to the core's commands,
 * replies as Telegram HTML split at 4,096 characters, charts as photos, `typing` while a command
 * runs, `/login` in a group deleted when the bot is admin, flood control with auto-retry and
 * the throttler, chats handled concurrently and each chat in order, and every update handled
 * once across restarts (confirmed to Telegram only once handled).
 *
 * @example
 * import { createTelegramAdapter, fromEnv } from '@stats/adapter-telegram';
 * // TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT, TELEGRAM_WEBHOOK_*, TELEGRAM_ALLOWED_*: see {@link fromEnv}.
 * const telegramEnv = fromEnv() ?? { token: '123456:ABC…' };
 * const telegram = createTelegramAdapter({ ...telegramEnv, dataDir: './data' });
 * const bot = createBot({ adapters: [telegram], commands });
 * await bot.start();
 */
export function createTelegramAdapter(options: TelegramAdapterOptions): TelegramAdapter {
  const now = options.now ?? Date.now;
  const catchUpWindowMs = options.catchUpWindowMs;
  const renderer = options.renderer ?? telegramRenderer;
  const sendLimits =
    options.throttle === false || options.throttle === undefined ? TELEGRAM_SEND_LIMITS : options.throttle;
  let bot: Bot | undefined;
  let sender: TelegramSender | undefined;
  let logger: Logger | undefined = options.logger;
  let ready = false;
  let poller: UpdatePoller | undefined;
  let context: AdapterContext | undefined;
  let receiving = false;
  const inFlight = new Set<Promise<void>>();

  const requireSender = (): TelegramSender => {
    if (sender === undefined) throw new Error('the Telegram adapter is not started');
    return sender;
  };
  const setReady = (value: boolean): void => {
    ready = value;
    context?.metrics.adapterReady.set({ platform: 'telegram' }, value ? 1 : 0);
  };

  return {
    platform: 'telegram',
    capabilities: CAPABILITIES,
    typingTimeoutMs: TYPING_TIMEOUT_MS,
    sendLimits,

    async start(startContext: AdapterContext): Promise<void> {
      context = startContext;
      // An adapter-level logger from the bot author gets the core's error serializer too.
      const log = options.logger === undefined ? startContext.logger : withErrorSerializers(options.logger);
      logger = log;
      const instance = new Bot(options.token, {
        client: { ...(options.apiRoot === undefined ? {} : { apiRoot: options.apiRoot }) },
        ...(options.botInfo === undefined ? {} : { botInfo: options.botInfo }),
      });
      if (options.throttle !== false) instance.api.config.use(throttler(sendLimits));
      instance.api.config.use(
        autoRetry({
          maxRetryAttempts: options.retry?.maxRetryAttempts ?? 5,
          maxDelaySeconds: options.retry?.maxDelaySeconds ?? 60,
          rethrowHttpErrors: true,
        }),
      );
      instance.api.config.use(networkRetry({ budgetMs: options.retry?.networkRetryMs ?? 20_000 }));
      instance.catch((error) => {
        log.error({ err: describe(error.error), updateId: error.ctx.update.update_id }, 'telegram update failed');
      });
      await instance.init().catch(refusedToken);
      bot = instance;
      sender = new TelegramSender(instance.api, renderer, options.renderChart, log);
      const journal = await openUpdateJournal(options.dataDir, instance.botInfo.id, now);
      receiving = true;
      const intake = createUpdateIntake({ journal, context: startContext, now, catchUpWindowMs });
      instance.use(allowListMiddleware(options.allow, startContext));
      instance.on('message', (ctx) => {
        const work = intake(ctx);
        inFlight.add(work);
        return work.finally(() => inFlight.delete(work));
      });
      try {
        // Groups get a menu without direct-only commands; private chats get all of them.
        await instance.api.setMyCommands(commandMenu(startContext.commands, 'group'));
        await instance.api.setMyCommands(commandMenu(startContext.commands, 'private'), {
          scope: { type: 'all_private_chats' },
        });
      } catch (error) {
        log.warn({ err: describe(error) }, 'telegram setMyCommands failed; the command menu may be stale');
      }

      const webhook = options.webhook;
      if (webhook !== undefined) {
        if (startContext.http === undefined) {
          throw new ConfigError(
            ['TELEGRAM_WEBHOOK_URL', 'PORT'],
            'Telegram webhook mode needs the bot HTTP server; enable it or unset TELEGRAM_WEBHOOK_URL.',
          );
        }
        const path = webhook.path ?? (new URL(webhook.url).pathname || '/');
        startContext.http.route(
          'POST',
          path,
          createWebhookHandler({
            secret: webhook.secret,
            metrics: startContext.metrics,
            logger: log,
            accepting: () => receiving,
            onUpdate: (update) => instance.handleUpdate(update),
          }),
        );
        // A failing setWebhook's GrammyError holds the secret in its payload: convert it here.
        await instance.api
          .setWebhook(webhook.url, { secret_token: webhook.secret, allowed_updates: ['message'] })
          .catch((error: unknown) => {
            throw telegramFailure(error, 'setWebhook');
          });
        setReady(true);
        log.info({ mode: 'webhook', bot: instance.botInfo.username }, 'telegram adapter started');
        return;
      }
      // Pending updates stay: they are unconfirmed, so no earlier instance answered them.
      await instance.api.deleteWebhook({ drop_pending_updates: false }).catch(refusedToken);
      poller = startUpdatePoller({
        api: instance.api,
        handle: (update) => instance.handleUpdate(update),
        accepting: () => receiving,
        logger: log,
        ...(options.busyPollMs === undefined ? {} : { busyPollMs: options.busyPollMs }),
        onFatal: (error, why) => {
          setReady(false);
          log.error({ err: describe(error) }, why);
        },
      });
      setReady(true);
      log.info({ mode: 'polling', bot: instance.botInfo.username }, 'telegram adapter started');
    },

    get username(): string | undefined {
      return bot?.botInfo.username;
    },

    async stopReceiving(): Promise<void> {
      receiving = false;
      await poller?.stopFetching();
    },

    async stop(): Promise<void> {
      receiving = false;
      const instance = bot;
      setReady(false);
      if (instance === undefined) return;
      await poller?.stopFetching();
      // The poller's chat queues and the webhook's updates, bounded: a hung command cannot hold the stop.
      const running = [...inFlight, ...(poller === undefined ? [] : [poller.settled()])];
      const settled = await settleWithin(running, options.stopTimeoutMs ?? STOP_TIMEOUT_MS);
      if (!settled) {
        logger?.warn(
          { running: inFlight.size },
          'telegram: updates still running at the stop deadline stay unconfirmed for the next start',
        );
      }
      // Tell Telegram what was handled, so the next start is not handed it again.
      await poller
        ?.confirm()
        .catch((error: unknown) =>
          logger?.warn({ err: describe(error) }, 'telegram: could not confirm the last updates'),
        );
      poller = undefined;
      bot = undefined;
    },

    isReady: () => ready,

    send: (room: RoomRef, doc: Document): Promise<SentMessage[]> =>
      requireSender()
        .document(destinationOf(room), doc)
        .catch((error: unknown) => {
          throw telegramFailure(error, 'send');
        }),

    async reply(message: IncomingMessage, doc: Document, replyOptions?: ReplyOptions): Promise<SentMessage[]> {
      const key = parseMessageKey(message.id);
      const here = destinationOf(message.room, key?.messageId);
      if (replyOptions?.ephemeral !== true || message.isDirect) return requireSender().document(here, doc);
      // Telegram has no ephemeral messages: an answer for the sender only goes to their private chat.
      const name = message.sender.displayName ?? 'you';
      try {
        const sent = await requireSender().document({ chatId: Number(message.sender.id) }, doc);
        await requireSender().document(here, textDocument(`📬 ${name}, I sent you the answer in our private chat.`));
        return sent;
      } catch (error) {
        if (!(error instanceof GrammyError) || (error.error_code !== 403 && error.error_code !== 400))
          throw telegramFailure(error, 'reply');
        const start = bot === undefined ? 'me' : `@${bot.botInfo.username}`;
        return requireSender().document(
          here,
          textDocument(
            `🔒 ${name}, this answer is for you only: open a private chat with ${start}, press Start, and send the command there.`,
            'warning',
          ),
        );
      }
    },

    async redact(message: IncomingMessage, reason: string): Promise<RedactResult> {
      const key = parseMessageKey(message.id);
      const api = bot?.api;
      if (key === undefined || api === undefined) return { removed: false, reason: 'unknown message' };
      try {
        await api.deleteMessage(key.chatId, key.messageId);
        logger?.info({ room: message.room.id, why: reason }, 'telegram message deleted');
        return { removed: true };
      } catch (error) {
        if (error instanceof GrammyError && (error.error_code === 400 || error.error_code === 403)) {
          const gone = error.description.includes('not found');
          return { removed: false, reason: gone ? 'it was already deleted' : 'I am not an admin of this group' };
        }
        throw telegramFailure(error, 'redact');
      }
    },

    async edit(sent: SentMessage, doc: Document): Promise<void> {
      const key = parseMessageKey(sent.id);
      if (key === undefined) throw new Error(`not a Telegram message id: ${sent.id}`);
      try {
        await requireSender().edit(key.chatId, key.messageId, doc);
      } catch (error) {
        if (error instanceof GrammyError && error.description.includes('message is not modified')) return;
        throw telegramFailure(error, 'edit');
      }
    },

    sendImage: (room: RoomRef, image: ImageAttachment): Promise<SentMessage> =>
      requireSender().image(destinationOf(room), image),

    // One chat action per call: the core's work stage renews it before it lapses
    // (typingTimeoutMs), and Telegram has no "stop typing", the bot's next message ends it.
    async typing(room: RoomRef, on: boolean): Promise<void> {
      const api = bot?.api;
      if (!on || api === undefined) return;
      const destination = destinationOf(room);
      const thread = destination.threadId === undefined ? {} : { message_thread_id: destination.threadId };
      await api.sendChatAction(destination.chatId, 'typing', thread);
    },

    mentionNames: (): readonly string[] => (bot === undefined ? [] : [`@${bot.botInfo.username}`]),
  };
}
