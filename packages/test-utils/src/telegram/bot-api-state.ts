/**
 * The world the Bot API stand-in holds: users, chats, messages, the update queue with its
 * long-poll waiters, and a change signal tests can await.
 */
import { EventEmitter } from 'node:events';
import type { SentByBot, TgChat, TgMessage, TgUpdate, TgUser } from './bot-api-types.js';
import { commandEntities } from './telegram-html.js';
import { waitUntil } from '../wait-until.js';

/** A chat the stand-in knows, with the bot's rights in it. */
export interface ChatRecord {
  readonly chat: TgChat;
  botIsAdmin: boolean;
  readonly messages: Map<number, TgMessage>;
  nextMessageId: number;
}

/** Options of a user message. */
export interface UserMessageOptions {
  /** Unix seconds (default now). */
  readonly date?: number;
  /** The message id it replies to. */
  readonly replyTo?: number;
  /** The forum topic it is written in (`message_thread_id`, `is_topic_message`). */
  readonly threadId?: number;
}

/** Users, chats, messages and updates of one stand-in. */
export class BotApiState {
  readonly changes = new EventEmitter();
  readonly chats = new Map<number, ChatRecord>();
  readonly updates: TgUpdate[] = [];
  readonly sent: SentByBot[] = [];
  /** Every user created, by id (a user without a private chat never started the bot). */
  readonly users = new Map<number, TgUser>();
  /** Chats the bot left (`leaveChat`), in order. */
  readonly left: number[] = [];
  nextUpdateId = 1000;
  private nextUserId = 5000;
  private nextGroupId = 100;

  constructor(
    readonly bot: TgUser,
    private readonly now: () => number,
  ) {
    this.changes.setMaxListeners(0);
  }

  /** Unix seconds. */
  seconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** Signals waiters (long polls, tests) that something changed. */
  changed(): void {
    this.changes.emit('change');
  }

  /** Creates a user. */
  user(firstName: string, username?: string): TgUser {
    const id = this.nextUserId++;
    const user: TgUser =
      username === undefined
        ? { id, is_bot: false, first_name: firstName }
        : { id, is_bot: false, first_name: firstName, username };
    this.users.set(id, user);
    return user;
  }

  /** The private chat of a user with the bot (chat id = user id). */
  privateChat(user: TgUser): ChatRecord {
    const existing = this.chats.get(user.id);
    if (existing) return existing;
    const chat: TgChat =
      user.username === undefined
        ? { id: user.id, type: 'private', first_name: user.first_name }
        : { id: user.id, type: 'private', first_name: user.first_name, username: user.username };
    return this.addChat(chat, false);
  }

  /** A group (negative id) or supergroup (`-100…`) the bot is a member of. */
  group(title: string, options: { supergroup?: boolean; botIsAdmin?: boolean } = {}): ChatRecord {
    const n = this.nextGroupId++;
    const chat: TgChat = options.supergroup
      ? { id: -(1_000_000_000_000 + n), type: 'supergroup', title }
      : { id: -n, type: 'group', title };
    return this.addChat(chat, options.botIsAdmin ?? false);
  }

  private addChat(chat: TgChat, botIsAdmin: boolean): ChatRecord {
    const record: ChatRecord = { chat, botIsAdmin, messages: new Map(), nextMessageId: 1 };
    this.chats.set(chat.id, record);
    return record;
  }

  /** Stores a message in its chat and returns it with its id. */
  store(record: ChatRecord, message: Omit<TgMessage, 'message_id' | 'chat'>): TgMessage {
    const full: TgMessage = { ...message, message_id: record.nextMessageId++, chat: record.chat };
    record.messages.set(full.message_id, full);
    return full;
  }

  /** A user writes into a chat: the message is stored and queued as an update. */
  userMessage(record: ChatRecord, from: TgUser, text: string, options: UserMessageOptions = {}): TgUpdate {
    const entities = commandEntities(text);
    const replyTo = options.replyTo === undefined ? undefined : record.messages.get(options.replyTo);
    const message = this.store(record, {
      date: options.date ?? this.seconds(),
      from,
      text,
      ...(entities.length > 0 ? { entities } : {}),
      ...(replyTo ? { reply_to_message: replyTo } : {}),
      ...(options.threadId === undefined ? {} : { message_thread_id: options.threadId, is_topic_message: true }),
    });
    return this.enqueue({ message });
  }

  /** `from` adds the bot to a group: the service message with `new_chat_members`, queued as an update. */
  botAdded(record: ChatRecord, from: TgUser): TgUpdate {
    return this.enqueue({ message: this.store(record, { date: this.seconds(), from, new_chat_members: [this.bot] }) });
  }

  /** Queues an update (any payload) with the next update id. */
  enqueue(payload: Omit<TgUpdate, 'update_id'>): TgUpdate {
    const update: TgUpdate = { update_id: this.nextUpdateId++, ...payload };
    this.updates.push(update);
    this.changed();
    return update;
  }

  /** Drops updates below `offset` (confirmed by the bot) and returns up to `limit` pending ones. */
  take(offset: number, limit: number): TgUpdate[] {
    if (offset > 0) {
      while (this.updates.length > 0 && (this.updates[0]?.update_id ?? 0) < offset) this.updates.shift();
    }
    return this.updates.filter((update) => update.update_id >= offset).slice(0, limit);
  }

  /**
   * Resolves with `check()`'s first defined value, re-checked on every change.
   *
   * @throws Error naming `what` when `timeoutMs` passes first.
   */
  waitFor<T>(check: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    return waitUntil(
      check,
      (onChange) => {
        this.changes.on('change', onChange);
        return () => this.changes.off('change', onChange);
      },
      timeoutMs,
      () => `Telegram stand-in: timed out after ${timeoutMs} ms waiting for ${what}`,
    );
  }
}
