/**
 * A Bot API stand-in: a real HTTP server on 127.0.0.1 that answers grammY the way
 * api.telegram.org does (see `contracts/telegram.md`), with helpers to act as users and to read
 * what the bot sent.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { registerSecret } from '../log-scan.js';
import type { AddressInfo } from 'node:net';
import { BotApiState, type ChatRecord, type UserMessageOptions } from './bot-api-state.js';
import { ApiFailure, runMethod, type MethodContext } from './bot-api-methods.js';
import type {
  BotApiCall,
  Fault,
  SentByBot,
  TgChat,
  TgUpdate,
  TgUser,
  WebhookDelivery,
  WebhookState,
} from './bot-api-types.js';
import { bucket, decodePayload, readBody, RATED, send, sendFailure } from './bot-api-wire.js';
import { createWebhookDelivery } from './webhook-delivery.js';

/** Options of {@link startTelegramBotApi}. */
export interface TelegramBotApiOptions {
  /** The bot token the stand-in accepts (default `123456:TEST-token`). */
  readonly token?: string;
  /** The bot's username (default `stats_test_bot`). */
  readonly username?: string;
  /** Longest long poll in seconds, whatever the bot asks (default 30). */
  readonly maxPollSeconds?: number;
  /** The clock (Unix ms) for message dates (default `Date.now`). */
  readonly now?: () => number;
  /**
   * Telegram's flood control over all chats: a bucket of `burst` messages refilled at
   * `perSecond`; a send beyond it gets 429 with `retry_after` (default: no limit).
   */
  readonly messageRate?: { readonly perSecond: number; readonly burst: number };
}

/** A chat to act in as a user. */
export interface ChatHandle {
  readonly chat: TgChat;
  /** Gives or takes the bot's admin rights (deleting others' messages). */
  setBotAdmin(admin: boolean): void;
  /** `from` writes `text`; returns the queued update. */
  say(from: TgUser, text: string, options?: UserMessageOptions): TgUpdate;
  /** `from` adds the bot to this group (a `new_chat_members` service message). */
  addBot(from: TgUser): TgUpdate;
}

/** A running stand-in. */
export interface TelegramBotApi {
  /** The `apiRoot` for grammY: `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  readonly token: string;
  /** The bot's `getMe` answer. */
  readonly bot: TgUser;
  /** Every call, in order. */
  readonly calls: readonly BotApiCall[];
  /** Every message the bot sent, in order. */
  readonly sent: readonly SentByBot[];
  readonly deleted: readonly { chatId: number; messageId: number }[];
  /** Chats the bot left with `leaveChat`. */
  readonly left: readonly number[];
  readonly chatActions: readonly { chatId: number; action: string }[];
  readonly webhookDeliveries: readonly WebhookDelivery[];
  /** The command menu of a scope type (default `default`), as the last setMyCommands for it set it. */
  commands(scope?: string): readonly { command: string; description: string }[];
  /** The webhook set, if any. */
  webhook(): WebhookState | undefined;
  /** Updates not yet confirmed by the bot. */
  pendingUpdates(): number;
  /** True while a long poll (getUpdates) is held open. */
  isPolling(): boolean;
  /** Creates a user. */
  user(firstName: string, username?: string): TgUser;
  /** The private chat of `user` with the bot. */
  privateChat(user: TgUser): ChatHandle;
  /** A group (or supergroup) with the bot in it, not admin unless asked. */
  group(title: string, options?: { supergroup?: boolean; botIsAdmin?: boolean }): ChatHandle;
  /** The next `fault.times` calls of `method` (case-insensitive, `*` = any) fail with `fault`. */
  fail(method: string, fault: Fault): void;
  /** Queues an update again with its own id, as Telegram does when the bot never confirmed it. */
  redeliver(update: TgUpdate): void;
  /** Every later call answers 401 Unauthorized (a revoked token). */
  revokeToken(): void;
  /** Messages the bot sent into one chat. */
  sentTo(chatId: number): SentByBot[];
  /** Resolves when the bot has sent at least `count` messages into `chatId`. */
  waitForSent(chatId: number, count?: number, timeoutMs?: number): Promise<SentByBot[]>;
  /** Resolves with `check()`'s first defined value, re-checked on every change. */
  waitFor<T>(check: () => T | undefined, what: string, timeoutMs?: number): Promise<T>;
  stop(): Promise<void>;
}

const DEFAULT_DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Bad Request: chat not found',
  401: 'Unauthorized',
  403: 'Forbidden: bot was blocked by the user',
  409: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
};

interface Poll {
  readonly respond: (updates: TgUpdate[]) => void;
  readonly conflict: () => void;
}

/**
 * Starts the Bot API stand-in on a free loopback port.
 *
 * @example
 * const telegram = await startTelegramBotApi();
 * const bot = new Bot(telegram.token, { client: { apiRoot: telegram.url } });
 * const alice = telegram.user('Alice', 'alice');
 * telegram.privateChat(alice).say(alice, '/stats');
 * const [answer] = await telegram.waitForSent(alice.id);
 */
export async function startTelegramBotApi(options: TelegramBotApiOptions = {}): Promise<TelegramBotApi> {
  const token = options.token ?? '123456:TEST-token';
  registerSecret(token, 'Telegram bot token');
  const bot: TgUser = {
    id: Number(token.split(':')[0]) || 123456,
    is_bot: true,
    first_name: 'Stats',
    username: options.username ?? 'stats_test_bot',
  };
  const state = new BotApiState(bot, options.now ?? Date.now);
  const maxPollSeconds = options.maxPollSeconds ?? 30;
  const calls: BotApiCall[] = [];
  const faults: { method: string; fault: Fault; left: number }[] = [];
  const webhookDeliveries: WebhookDelivery[] = [];
  let revoked = false;
  const flood =
    options.messageRate === undefined ? undefined : bucket(options.messageRate.perSecond, options.messageRate.burst);
  let poll: Poll | undefined;
  let stopped = false;
  const context: Omit<MethodContext, 'files'> = {
    state,
    commands: new Map(),
    webhook: { value: undefined },
    chatActions: [],
    deleted: [],
    onWebhookSet: () => deliverWebhooks(),
  };

  const deliverWebhooks = createWebhookDelivery(
    state,
    () => (stopped ? undefined : context.webhook.value),
    webhookDeliveries,
  );
  state.changes.on('change', () => {
    if (context.webhook.value && state.updates.length > 0) deliverWebhooks();
    if (poll && !context.webhook.value && state.updates.length > 0) {
      const waiting = poll;
      poll = undefined;
      waiting.respond(state.take(0, 100));
    }
  });

  function getUpdates(
    payload: Record<string, unknown>,
    response: ServerResponse,
    record: (status: number) => void,
  ): void {
    if (context.webhook.value) {
      record(409);
      sendFailure(
        response,
        new ApiFailure(
          409,
          "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
        ),
      );
      return;
    }
    const offset = Number(payload['offset'] ?? 0);
    const limit = Math.min(100, Math.max(1, Number(payload['limit'] ?? 100)));
    const timeout = Math.min(maxPollSeconds, Math.max(0, Number(payload['timeout'] ?? 0)));
    poll?.conflict();
    poll = undefined;
    const ready = state.take(offset, limit);
    if (ready.length > 0 || timeout === 0) {
      record(200);
      send(response, 200, { ok: true, result: ready });
      return;
    }
    const timer = setTimeout(() => finish([]), timeout * 1000);
    const finish = (updates: TgUpdate[]): void => {
      clearTimeout(timer);
      if (poll === mine) poll = undefined;
      record(200);
      send(response, 200, { ok: true, result: updates.slice(0, limit) });
    };
    const mine: Poll = {
      respond: finish,
      conflict: () => {
        clearTimeout(timer);
        record(409);
        sendFailure(response, new ApiFailure(409, DEFAULT_DESCRIPTIONS[409] ?? 'Conflict'));
      },
    };
    poll = mine;
    state.changed();
    response.on('close', () => {
      clearTimeout(timer);
      if (poll === mine) poll = undefined;
    });
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const match = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec((request.url ?? '').split('?')[0] ?? '');
    const body = await readBody(request);
    if (!match) {
      send(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    const method = match[2] ?? '';
    let decoded: ReturnType<typeof decodePayload>;
    try {
      decoded = decodePayload(body, request.headers['content-type'] ?? '');
    } catch {
      sendFailure(response, new ApiFailure(400, 'Bad Request: invalid request body'));
      return;
    }
    const record = (status: number): void => {
      calls.push({ method, payload: decoded.payload, status });
      state.changed();
    };
    if (revoked || match[1] !== token) {
      record(401);
      sendFailure(response, new ApiFailure(401, 'Unauthorized'));
      return;
    }
    const lower = method.toLowerCase();
    const fault = faults.find((entry) => entry.left > 0 && (entry.method === '*' || entry.method === lower));
    if (fault) {
      fault.left--;
      const status = fault.fault.status;
      const retryAfter = status === 429 ? (fault.fault.retryAfter ?? 1) : undefined;
      const description =
        fault.fault.description ??
        (status === 429 ? `Too Many Requests: retry after ${retryAfter}` : (DEFAULT_DESCRIPTIONS[status] ?? 'Error'));
      record(status);
      sendFailure(response, new ApiFailure(status, description, retryAfter));
      return;
    }
    const waitMs = flood !== undefined && RATED.has(lower) ? flood.take() : 0;
    if (waitMs > 0) {
      const retryAfter = Math.max(1, Math.ceil(waitMs / 1000));
      record(429);
      sendFailure(response, new ApiFailure(429, `Too Many Requests: retry after ${retryAfter}`, retryAfter));
      return;
    }
    if (lower === 'getupdates') {
      getUpdates(decoded.payload, response, record);
      return;
    }
    try {
      const result = runMethod({ ...context, files: decoded.files }, lower, decoded.payload);
      record(200);
      send(response, 200, { ok: true, result });
    } catch (error) {
      if (!(error instanceof ApiFailure)) throw error;
      record(error.status);
      sendFailure(response, error);
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => sendFailure(response, new ApiFailure(500, 'Internal Server Error')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const handleOf = (record: ChatRecord): ChatHandle => ({
    chat: record.chat,
    setBotAdmin: (admin) => {
      record.botIsAdmin = admin;
    },
    say: (from, text, sayOptions) => state.userMessage(record, from, text, sayOptions),
    addBot: (from) => state.botAdded(record, from),
  });
  const sentTo = (chatId: number): SentByBot[] => state.sent.filter((entry) => entry.chatId === chatId);

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    bot,
    calls,
    sent: state.sent,
    deleted: context.deleted,
    left: state.left,
    chatActions: context.chatActions,
    webhookDeliveries,
    commands: (scope = 'default') => context.commands.get(scope) ?? [],
    webhook: () => context.webhook.value,
    pendingUpdates: () => state.updates.length,
    isPolling: () => poll !== undefined,
    user: (firstName, username) => state.user(firstName, username),
    privateChat: (user) => handleOf(state.privateChat(user)),
    group: (title, groupOptions) => handleOf(state.group(title, groupOptions)),
    fail: (method, fault) => {
      faults.push({ method: method.toLowerCase(), fault, left: fault.times ?? 1 });
    },
    redeliver: (update) => {
      state.updates.push(update);
      state.updates.sort((a, b) => a.update_id - b.update_id);
      state.changed();
    },
    revokeToken: () => {
      revoked = true;
    },
    sentTo,
    waitForSent: (chatId, count = 1, timeoutMs = 10_000) =>
      state.waitFor(
        () => {
          const list = sentTo(chatId);
          return list.length >= count ? list : undefined;
        },
        `${count} message(s) from the bot in chat ${chatId}`,
        timeoutMs,
      ),
    waitFor: (check, what, timeoutMs = 10_000) => state.waitFor(check, what, timeoutMs),
    stop: async () => {
      stopped = true;
      poll = undefined;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
