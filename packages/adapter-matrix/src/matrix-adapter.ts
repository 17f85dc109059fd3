import {
  matrixRenderer,
  StatsError,
  type AdapterCapabilities,
  type AdapterContext,
  type ChartSpec,
  type ChatAdapter,
  type Document,
  type ImageAttachment,
  type IncomingMessage,
  type MatrixMessage,
  type RedactResult,
  type Renderer,
  type RoomRef,
  type Logger,
  type SentMessage,
} from '@stats/core';
import { MatrixError } from './matrix-sdk.js';
import { DirectRooms } from './direct-rooms.js';
import { EventIntake } from './event-intake.js';
import type { BotIdentity } from './incoming.js';
import { bridgeSdkLogging } from './log-bridge.js';
import { toStatsError, withRetry } from './retry.js';
import {
  editContent,
  freshTxnId,
  MAX_CONTENT_BYTES,
  MatrixSender,
  noticeContents,
  splitPlain,
  stableTxnId,
  type ReplyTarget,
  type SenderRetry,
} from './sender.js';
import { SyncingClient } from './sync-client.js';
import { SyncStateStore } from './sync-state-store.js';

/** Options of {@link createMatrixAdapter}. */
export interface MatrixAdapterOptions {
  /** The homeserver's client-server URL (`MATRIX_HOMESERVER_URL`), e.g. `https://matrix.example.org`. */
  readonly homeserverUrl: string;
  /** The bot account's access token (`MATRIX_ACCESS_TOKEN`). Never logged. */
  readonly accessToken: string;
  /** Where the sync token and handled event ids live (`DATA_DIR`); created if missing. */
  readonly dataDir: string;
  /** After a restart, commands younger than this are answered (`CATCH_UP_WINDOW`, default 5 minutes). */
  readonly catchUpWindowMs?: number;
  /** Who may invite the bot: user ids (`@ops:example.org`) or homeserver names (`example.org`); unset = anyone. */
  readonly allowedInviters?: readonly string[];
  /** A logger; by default the bot's adapter logger from `start()`. */
  readonly logger?: Logger;
  /** The renderer (default the core's `matrixRenderer`). */
  readonly renderer?: Renderer<MatrixMessage>;
  /** Draws a chart block as a PNG; when given, replies carry their charts as `m.image`. */
  readonly renderChart?: (chart: ChartSpec) => Promise<ImageAttachment | undefined>;
  /** Typing is shown when a command runs longer than this (default 300 ms). */
  readonly typingDelayMs?: number;
  /** The `/sync` long-poll timeout (default 30,000 ms). */
  readonly syncTimeoutMs?: number;
  /** Timeline events per room and sync (the filter's limit, default 100; Synapse's own default is 10). */
  readonly timelineLimit?: number;
  /** Retries of 5xx/network errors and 429s. */
  readonly retry?: SenderRetry;
  /** How long `stop()` waits for replies in flight (default 8,000 ms). */
  readonly shutdownTimeoutMs?: number;
  /** Called once when the homeserver rejects the access token while running (the adapter has stopped). */
  readonly onFatal?: (error: StatsError) => void;
  /** The clock (Unix ms). */
  readonly now?: () => number;
}

/** What the Matrix adapter offers beyond the port. */
export interface MatrixAdapter extends ChatAdapter {
  /** The bot's user id, known after `start()`. */
  readonly userId: string | undefined;
  /**
   * Stops syncing (no new messages) while replies in flight go on; call it before the bot's
   * `stop()` so that messages arriving during the shutdown stay unhandled and are answered
   * after the restart, instead of being dropped by a stopping bot. Resolves when the state in
   * DATA_DIR is on disk.
   */
  stopReceiving(): Promise<void>;
}

/** The Matrix adapter's capabilities. */
export const MATRIX_CAPABILITIES: AdapterCapabilities = {
  maxMessageLength: MAX_CONTENT_BYTES,
  html: true,
  images: true,
  redact: true,
  ephemeral: false,
  directRooms: true,
  edit: true,
};

function unknownTokenError(cause: unknown): StatsError {
  return new StatsError(
    'auth',
    'The Matrix homeserver rejected MATRIX_ACCESS_TOKEN (M_UNKNOWN_TOKEN): the token is wrong, expired or was logged out. Create a new access token for the bot account and restart.',
    'The bot cannot reach Matrix right now.',
    { cause },
  );
}

/**
 * Binds the core to Matrix through matrix-bot-sdk: syncs with a filter and backfill, resumes
 * from DATA_DIR, answers as `m.notice` replies rendered by the Matrix renderer, autojoins
 * allowed invites, tells encrypted rooms it cannot read them, waits out 429s and retries 5xx
 * with the same transaction ids.
 *
 * @example
 * const config = loadConfig(process.env);
 * const { homeserverUrl, accessToken } = config.matrix!;
 * const matrix = createMatrixAdapter({ homeserverUrl, accessToken, dataDir: config.dataDir });
 * await createBot({ adapters: [matrix], config, commands }).start();
 */
export function createMatrixAdapter(options: MatrixAdapterOptions): MatrixAdapter {
  const now = options.now ?? Date.now;
  const renderer = options.renderer ?? matrixRenderer;
  const retry: SenderRetry = options.retry ?? {};
  let logger: Logger | undefined = options.logger;
  let client: SyncingClient | undefined;
  let sender: MatrixSender | undefined;
  let intake: EventIntake | undefined;
  let store: SyncStateStore | undefined;
  let identity: BotIdentity | undefined;
  let ready = false;
  let context: AdapterContext | undefined;
  let aborter = new AbortController();
  const replyCounters = new Map<string, number>();

  const setReady = (value: boolean): void => {
    ready = value;
    context?.metrics.adapterReady.set({ platform: 'matrix' }, value ? 1 : 0);
  };
  const fatal = (err: unknown): void => {
    if (!client) return;
    const error = unknownTokenError(err);
    logger?.fatal({ err: error }, error.message);
    setReady(false);
    client.stop();
    options.onFatal?.(error);
  };
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new StatsError('internal', 'the Matrix adapter is not started');
    return value;
  };

  /**
   * Sends one notice; when the homeserver still finds it too large (413 `M_TOO_LARGE`: its
   * limit counts the whole signed event, and some servers set a lower one), sends the plain
   * text again in pieces a quarter of the size, the first keeping the reply relation.
   */
  async function sendFitting(out: MatrixSender, roomId: string, content: Record<string, unknown>, txn: () => string, limit = MAX_CONTENT_BYTES / 4): Promise<string[]> {
    try {
      return [await out.sendEvent(roomId, 'm.room.message', content, txn())];
    } catch (err) {
      const tooLarge = err instanceof Error && err.cause instanceof MatrixError && err.cause.errcode === 'M_TOO_LARGE';
      if (!tooLarge || limit < 1_000) throw err;
      logger?.warn({ roomId, limit }, 'the homeserver refused a message as too large; sending it as smaller plain pieces');
      const ids: string[] = [];
      for (const [index, piece] of splitPlain(String(content['body']), limit).entries()) {
        const part: Record<string, unknown> = { msgtype: 'm.notice', body: piece, 'm.mentions': index === 0 ? (content['m.mentions'] ?? {}) : {} };
        if (index === 0 && content['m.relates_to'] !== undefined) part['m.relates_to'] = content['m.relates_to'];
        ids.push(...(await sendFitting(out, roomId, part, txn, limit / 4)));
      }
      return ids;
    }
  }

  async function sendDocument(roomId: string, doc: Document, replyTo: ReplyTarget | undefined, txn: () => string): Promise<SentMessage[]> {
    const out = need(sender);
    const sent: SentMessage[] = [];
    for (const content of noticeContents(renderer.render(doc), replyTo)) {
      for (const id of await sendFitting(out, roomId, content, txn)) sent.push({ platform: 'matrix', room: { platform: 'matrix', id: roomId }, id });
    }
    if (options.renderChart) {
      for (const block of doc.blocks) {
        if (block.type !== 'chart') continue;
        // The text already carries the chart's fallback: a chart that fails to draw is only logged.
        const image = await options.renderChart(block.chart).catch((err: unknown) => {
          logger?.warn({ err, chart: block.chart.title }, 'could not draw a chart; sent its text fallback only');
          return undefined;
        });
        if (image) sent.push({ platform: 'matrix', room: { platform: 'matrix', id: roomId }, id: await out.sendImage(roomId, image, txn()) });
      }
    }
    return sent;
  }

  const adapter: MatrixAdapter = {
    platform: 'matrix',
    capabilities: MATRIX_CAPABILITIES,
    get userId() {
      return identity?.userId;
    },

    async start(ctx: AdapterContext): Promise<void> {
      context = ctx;
      const log = options.logger ?? ctx.logger;
      logger = log;
      bridgeSdkLogging(log);
      aborter = new AbortController();
      const startedAt = now();
      const state = new SyncStateStore(options.dataDir, (err) => log.error({ err }, 'could not write the Matrix sync state in DATA_DIR'));
      store = state;
      const backoff = { baseDelayMs: retry.baseDelayMs ?? 500, maxDelayMs: retry.maxDelayMs ?? 30_000 };
      const c = new SyncingClient(options.homeserverUrl.replace(/\/+$/, ''), options.accessToken, state, backoff);
      c.syncingTimeout = options.syncTimeoutMs ?? 30_000;
      client = c;
      sender = new MatrixSender(c, log, retry, aborter.signal, fatal);
      try {
        const userId = await withRetry(() => c.getUserId(), { ...retry, what: 'whoami' });
        const profile = (await c.getUserProfile(userId).catch(() => ({}))) as { displayname?: unknown };
        identity = { userId, displayName: typeof profile.displayname === 'string' ? profile.displayname : undefined };
        intake = new EventIntake({
          client: c,
          store: state,
          sender,
          direct: new DirectRooms(c),
          bot: identity,
          logger: log,
          metrics: ctx.metrics,
          now,
          catchUpWindowMs: options.catchUpWindowMs ?? 300_000,
          typingDelayMs: options.typingDelayMs ?? 300,
          allowedInviters: options.allowedInviters,
          startedAt,
          deliver: ctx.onMessage,
          accepting: () => !c.stopping,
        });
        const i = intake;
        c.attach({
          beforeRequest: () => i.beforeSyncRequest(),
          onEvent: (type, payload) => i.onEvent(type, payload),
          beforeProcess: (response, since) => i.backfill(response, since),
          onSynced: () => {
            if (!ready) log.info({ userId }, 'Matrix sync running');
            setReady(true);
          },
          onSyncError: (err, delayMs) => {
            setReady(false);
            log.warn({ err: toStatsError(err, 'sync'), delayMs }, 'Matrix sync failed; retrying');
          },
          onUnknownToken: fatal,
        });
        state.prune(now() - (options.catchUpWindowMs ?? 300_000) - 3_600_000);
        await withRetry(() => c.start({ room: { timeline: { limit: options.timelineLimit ?? 100 } } }), { ...retry, what: 'start' });
        await i.replayPending();
      } catch (err) {
        const error = err instanceof StatsError ? err : toStatsError(err, 'start');
        if (error.code === 'auth') throw unknownTokenError(err);
        throw error;
      }
    },

    async stop(): Promise<void> {
      if (!client) return;
      client.stop();
      setReady(false);
      await intake?.drain(options.shutdownTimeoutMs ?? 8_000);
      aborter.abort();
      await store?.flush();
    },

    isReady: () => ready,

    async stopReceiving(): Promise<void> {
      client?.stop();
      setReady(false);
      await store?.flush();
    },

    send: (room: RoomRef, doc: Document) => sendDocument(room.id, doc, undefined, freshTxnId),

    reply(message: IncomingMessage, doc: Document): Promise<SentMessage[]> {
      const key = `reply ${message.id}`;
      return sendDocument(message.room.id, doc, { eventId: message.id, sender: message.sender.id }, () => {
        const index = replyCounters.get(key) ?? 0;
        replyCounters.set(key, index + 1);
        if (replyCounters.size > 10_000) replyCounters.delete(replyCounters.keys().next().value ?? key);
        return stableTxnId(key, index);
      });
    },

    redact: (message: IncomingMessage, reason: string): Promise<RedactResult> => need(sender).redact(message.room.id, message.id, reason),

    async edit(sent: SentMessage, doc: Document): Promise<void> {
      const [first] = renderer.render(doc);
      if (!first) return;
      await need(sender).sendEvent(sent.room.id, 'm.room.message', editContent(sent.id, first), freshTxnId());
    },

    async sendImage(room: RoomRef, image: ImageAttachment): Promise<SentMessage> {
      const id = await need(sender).sendImage(room.id, image, freshTxnId());
      return { platform: 'matrix', room, id };
    },

    typing: (room: RoomRef, on: boolean) => need(sender).typing(room.id, on),

    mentionNames(): readonly string[] {
      if (!identity) return [];
      // The display name only with a separator: `Stats: today` addresses the bot, `stats are up` does not.
      const name = identity.displayName?.trim();
      return [identity.userId, ...(name ? [`${name}:`, `${name},`] : [])];
    },
  };
  return adapter;
}
