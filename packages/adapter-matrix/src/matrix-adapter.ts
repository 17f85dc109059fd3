import {
  matrixRenderer,
  StatsError,
  withErrorSerializers,
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
  type ReplyOptions,
  type RoomRef,
  type Logger,
  type SentMessage,
  textDocument,
} from '@stats/core';
import { MatrixError } from './matrix-sdk.js';
import { DirectChats } from './direct-chats.js';
import { startRoomCrypto, UNDECRYPTABLE_NOTICE, type RoomCrypto } from './crypto/index.js';
import { DirectRooms } from './direct-rooms.js';
import { EventIntake } from './event-intake.js';
import type { BotIdentity } from './incoming.js';
import { bridgeSdkLogging } from './log-bridge.js';
import { toStatsError, withRetry } from './retry.js';
import { SplitParts } from './split-parts.js';
import { safeMatrixCause } from './sdk-errors.js';
import {
  editContent,
  editContents,
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
import { MATRIX_SEND_LIMITS } from './send-limits.js';

/** Options of {@link createMatrixAdapter}. */
export interface MatrixAdapterOptions {
  /** The homeserver's client-server URL (`MATRIX_HOMESERVER_URL`), e.g. `https://matrix.example.org`. */
  readonly homeserverUrl: string;
  /** The bot account's access token (`MATRIX_ACCESS_TOKEN`). Never logged. */
  readonly accessToken: string;
  /** Where the sync token and handled event ids live (`DATA_DIR`); created if missing. */
  readonly dataDir: string;
  /** After a restart, commands younger than this are answered (`CATCH_UP_WINDOW`, default the core's `DEFAULT_CATCH_UP_WINDOW_MS`, 5 minutes). */
  readonly catchUpWindowMs?: number;
  /** Who may invite the bot: user ids (`@ops:example.org`) or homeserver names (`example.org`); unset = anyone. */
  readonly allowedInviters?: readonly string[];
  /** A logger; by default the bot's adapter logger from `start()`. */
  readonly logger?: Logger;
  /** The renderer (default the core's `matrixRenderer`). */
  readonly renderer?: Renderer<MatrixMessage>;
  /** Draws a chart block as a PNG; when given, replies carry their charts as `m.image`. */
  readonly renderChart?: (chart: ChartSpec) => Promise<ImageAttachment | undefined>;
  /** The `/sync` long-poll timeout (default 30,000 ms). */
  readonly syncTimeoutMs?: number;
  /** Timeline events per room and sync (the filter's limit, default 100; Synapse's own default is 10). */
  readonly timelineLimit?: number;
  /** Retries of 5xx/network errors and 429s. */
  readonly retry?: SenderRetry;
  /** Called once when the homeserver rejects the access token while running (the adapter has stopped). */
  readonly onFatal?: (error: StatsError) => void;
  /** The clock (Unix ms). */
  readonly now?: () => number;
  /**
   * End-to-end encryption (default on): the token's device keeps its keys in
   * `DATA_DIR/matrix-crypto.json`. Off, or when it cannot start, encrypted rooms get a notice.
   */
  readonly encryption?: boolean;
  /** Keys the crypto store at rest (`SESSION_SECRET`); unset = the key file `DATA_DIR/session.key`. */
  readonly storeSecret?: string;
  /** How long an encrypted event whose room key has not arrived waits for it, retried at each sync (default 10,000 ms). */
  readonly roomKeyWaitMs?: number;
}

/** What the Matrix adapter offers beyond the port. */
export interface MatrixAdapter extends ChatAdapter {
  /** The bot's user id, known after `start()`. */
  readonly userId: string | undefined;
  /**
   * Stops syncing (no new messages) while replies in flight go on (those the homeserver
   * rate-limits are given up instead of waited out, and counted); call it before the bot's
   * `stop()` so that messages arriving during the shutdown stay unhandled and are answered
   * after the restart, instead of being dropped by a stopping bot. Resolves when the state in
   * DATA_DIR is on disk.
   */
  stopReceiving(): Promise<void>;
}

/** The pointer left in a shared room when an answer for one user went to their direct room. */
export const PRIVATE_ANSWER_POINTER = '📬 I sent you the answer in a direct message.';

/** The answer in a shared room when no direct room could be opened for an answer for one user. */
export const PRIVATE_ANSWER_REFUSED =
  '🔒 This answer is for you only, and I could not open a direct chat with you. Start a direct chat with me and send the command there.';

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
    { cause: safeMatrixCause(cause) },
  );
}

/**
 * Binds the core to Matrix through matrix-bot-sdk: syncs with a filter and backfill, resumes
 * from DATA_DIR, answers as `m.notice` replies rendered by the Matrix renderer, autojoins
 * allowed invites, reads and writes end-to-end encrypted rooms as the token's own device (keys
 * kept encrypted in DATA_DIR; without them, tells encrypted rooms it cannot read them), waits
 * out 429s and retries 5xx with the same transaction ids.
 *
 * @example
 * import { createMatrixAdapter, fromEnv } from '@stats/adapter-matrix';
 * // MATRIX_HOMESERVER_URL, MATRIX_ACCESS_TOKEN, MATRIX_ALLOWED_INVITERS: see {@link fromEnv}.
 * const matrixEnv = fromEnv() ?? { homeserverUrl: 'https://matrix.example.org', accessToken: 'syt_…' };
 * const matrix = createMatrixAdapter({ ...matrixEnv, dataDir: './data' });
 * await createBot({ adapters: [matrix], commands }).start();
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
  let directChats: DirectChats | undefined;
  let splitParts: SplitParts | undefined;
  let crypto: RoomCrypto | undefined;
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
  async function sendFitting(
    out: MatrixSender,
    roomId: string,
    content: Record<string, unknown>,
    txn: () => string,
    limit = MAX_CONTENT_BYTES / 4,
  ): Promise<string[]> {
    try {
      return [await out.sendEvent(roomId, 'm.room.message', content, txn())];
    } catch (err) {
      const tooLarge = err instanceof Error && err.cause instanceof MatrixError && err.cause.errcode === 'M_TOO_LARGE';
      if (!tooLarge || limit < 1_000) throw err;
      logger?.warn(
        { roomId, limit },
        'the homeserver refused a message as too large; sending it as smaller plain pieces',
      );
      const ids: string[] = [];
      for (const [index, piece] of splitPlain(String(content['body']), limit).entries()) {
        const part: Record<string, unknown> = {
          msgtype: 'm.notice',
          body: piece,
          'm.mentions': index === 0 ? (content['m.mentions'] ?? {}) : {},
        };
        if (index === 0 && content['m.relates_to'] !== undefined) part['m.relates_to'] = content['m.relates_to'];
        ids.push(...(await sendFitting(out, roomId, part, txn, limit / 4)));
      }
      return ids;
    }
  }

  async function sendDocument(
    roomId: string,
    doc: Document,
    replyTo: ReplyTarget | undefined,
    txn: () => string,
  ): Promise<SentMessage[]> {
    const out = need(sender);
    const sent: SentMessage[] = [];
    for (const content of noticeContents(renderer.render(doc), replyTo)) {
      for (const id of await sendFitting(out, roomId, content, txn))
        sent.push({ platform: 'matrix', room: { platform: 'matrix', id: roomId }, id });
    }
    splitParts?.remember(
      roomId,
      sent.map((s) => s.id),
    );
    if (options.renderChart) {
      for (const block of doc.blocks) {
        if (block.type !== 'chart') continue;
        // The text already carries the chart's fallback: a chart that fails to draw is only logged.
        const image = await options.renderChart(block.chart).catch((err: unknown) => {
          logger?.warn({ err, chart: block.chart.title }, 'could not draw a chart; sent its text fallback only');
          return undefined;
        });
        if (image)
          sent.push({
            platform: 'matrix',
            room: { platform: 'matrix', id: roomId },
            id: await out.sendImage(roomId, image, txn()),
          });
      }
    }
    return sent;
  }

  const adapter: MatrixAdapter = {
    platform: 'matrix',
    capabilities: MATRIX_CAPABILITIES,
    // A typing notice lapses after the timeout the client sends (30 s); the core renews it.
    typingTimeoutMs: 30_000,
    sendLimits: MATRIX_SEND_LIMITS,
    get userId() {
      return identity?.userId;
    },

    async start(ctx: AdapterContext): Promise<void> {
      context = ctx;
      // An adapter-level logger from the bot author gets the core's error serializer too.
      const log = options.logger === undefined ? ctx.logger : withErrorSerializers(options.logger);
      logger = log;
      bridgeSdkLogging(log);
      aborter = new AbortController();
      const startedAt = now();
      const state = new SyncStateStore(options.dataDir, (err) =>
        log.error({ err }, 'could not write the Matrix sync state in DATA_DIR'),
      );
      store = state;
      splitParts = new SplitParts(state);
      const backoff = { baseDelayMs: retry.baseDelayMs ?? 500, maxDelayMs: retry.maxDelayMs ?? 30_000 };
      const c = new SyncingClient(options.homeserverUrl.replace(/\/+$/, ''), options.accessToken, state, backoff);
      c.syncingTimeout = options.syncTimeoutMs ?? 30_000;
      client = c;
      sender = new MatrixSender(c, log, retry, aborter.signal, fatal);
      try {
        const userId = await withRetry(() => c.getUserId(), { ...retry, what: 'whoami' });
        const profile = (await c.getUserProfile(userId).catch(() => ({}))) as { displayname?: unknown };
        identity = { userId, displayName: typeof profile.displayname === 'string' ? profile.displayname : undefined };
        const direct = new DirectRooms(c);
        directChats = new DirectChats({
          client: c,
          direct,
          botId: userId,
          logger: log,
          retry: { ...retry, signal: aborter.signal },
        });
        crypto =
          options.encryption === false
            ? undefined
            : await startRoomCrypto({
                client: c,
                userId,
                dataDir: options.dataDir,
                secret: options.storeSecret,
                logger: log,
                ...(options.roomKeyWaitMs === undefined ? {} : { roomKeyWaitMs: options.roomKeyWaitMs }),
                ...(options.catchUpWindowMs === undefined ? {} : { catchUpWindowMs: options.catchUpWindowMs }),
              });
        const e2ee = crypto;
        sender.encryption = e2ee;
        directChats.encryption = e2ee;
        c.decryptEvent = e2ee ? (roomId, event) => e2ee.decryptEvent(roomId, event) : undefined;
        intake = new EventIntake({
          client: c,
          store: state,
          sender,
          direct,
          bot: identity,
          logger: log,
          metrics: ctx.metrics,
          now,
          catchUpWindowMs: options.catchUpWindowMs,
          allowedInviters: options.allowedInviters,
          startedAt,
          deliver: ctx.onMessage,
          accepting: () => !c.stopping,
          ...(e2ee ? { encryptedNotice: UNDECRYPTABLE_NOTICE } : {}),
        });
        const i = intake;
        c.attach({
          beforeRequest: () => i.beforeSyncRequest(),
          onEvent: (type, payload) => i.onEvent(type, payload),
          beforeProcess: async (response, since) => {
            // Room keys first (on disk before the sync token), then the gaps, then decrypt in place.
            await e2ee?.receiveSync(response);
            await i.backfill(response, since);
            await e2ee?.decryptTimelines(response);
          },
          syncDurable: async () => {
            await e2ee?.syncDurable();
          },
          onSynced: () => {
            if (!ready) log.info({ userId }, 'Matrix sync running');
            setReady(true);
            // A long-poll that hangs never errors: this timestamp is what shows it (alert: sync stalled).
            ctx.metrics.adapterLastSync.set({ platform: 'matrix' }, now() / 1000);
          },
          onSyncError: (err, delayMs) => {
            setReady(false);
            log.warn({ err: toStatsError(err, 'sync'), delayMs }, 'Matrix sync failed; retrying');
          },
          onUnknownToken: fatal,
        });
        await withRetry(() => c.start({ room: { timeline: { limit: options.timelineLimit ?? 100 } } }), {
          ...retry,
          what: 'start',
        });
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
      // Replies waiting on a 429 are given up at once, not waited out (retry_after can be long).
      aborter.abort();
      // The bot drained the commands in flight before calling stop(): nothing is waited for twice.
      const abandoned = sender?.abandoned ?? 0;
      if (abandoned > 0) {
        context?.metrics.messagesDropped.inc({ platform: 'matrix', reason: 'reply_given_up_at_stop' }, abandoned);
        logger?.warn(
          { abandoned },
          'stopped while the homeserver rate-limited the bot: gave up the sends that were waiting',
        );
      }
      await store?.flush();
      await crypto?.close();
      crypto = undefined;
    },

    isReady: () => ready,

    async stopReceiving(): Promise<void> {
      client?.stop();
      setReady(false);
      // Replies in flight go on, but none waits out a 429: the stop must not take retry_after.
      aborter.abort();
      await Promise.all([crypto?.flush(), store?.flush()]);
    },

    send: (room: RoomRef, doc: Document) => sendDocument(room.id, doc, undefined, freshTxnId),

    async reply(message: IncomingMessage, doc: Document, replyOptions?: ReplyOptions): Promise<SentMessage[]> {
      const key = `reply ${message.id}`;
      const txn = (): string => {
        const index = replyCounters.get(key) ?? 0;
        replyCounters.set(key, index + 1);
        if (replyCounters.size > 10_000) replyCounters.delete(replyCounters.keys().next().value ?? key);
        return stableTxnId(key, index);
      };
      const target: ReplyTarget = { eventId: message.id, sender: message.sender.id };
      if (replyOptions?.ephemeral !== true || message.isDirect) return sendDocument(message.room.id, doc, target, txn);
      // Matrix has no ephemeral messages: an answer for the sender only goes to their direct room.
      let dm: string;
      try {
        dm = await need(directChats).roomFor(message.sender.id);
      } catch (err) {
        logger?.warn(
          { err: toStatsError(err, 'createRoom'), roomId: message.room.id },
          'could not open a direct room for a private answer',
        );
        return sendDocument(message.room.id, textDocument(PRIVATE_ANSWER_REFUSED, 'warning'), target, txn);
      }
      const sent = await sendDocument(dm, doc, undefined, txn);
      await sendDocument(message.room.id, textDocument(PRIVATE_ANSWER_POINTER), target, txn);
      return sent;
    },

    redact: (message: IncomingMessage, reason: string): Promise<RedactResult> =>
      need(sender).redact(message.room.id, message.id, reason),

    async edit(sent: SentMessage, doc: Document): Promise<void> {
      const out = need(sender);
      const roomId = sent.room.id;
      const contents = editContents(renderer.render(doc));
      if (contents.length === 0) return;
      const parts = need(splitParts).partsOf(roomId, sent.id);
      const ids: string[] = [];
      // Each old part is replaced by the new part at its place; parts the new text no longer
      // needs are removed, and extra new parts are sent after the old ones.
      for (const [index, id] of parts.entries()) {
        const content = contents[index];
        if (content === undefined) {
          await out.redact(roomId, id, 'replaced by a shorter edit');
          continue;
        }
        await out.sendEvent(roomId, 'm.room.message', editContent(id, content), freshTxnId());
        ids.push(id);
      }
      for (const content of contents.slice(parts.length))
        ids.push(await out.sendEvent(roomId, 'm.room.message', content, freshTxnId()));
      need(splitParts).remember(roomId, ids);
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
