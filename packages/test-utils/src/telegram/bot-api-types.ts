/**
 * The Bot API shapes the stand-in speaks (a subset of grammyjs/types), and the records it keeps
 * of what the bot did.
 */
import type { TelegramEntity } from './telegram-html.js';

/** A Telegram user (`User`). */
export interface TgUser {
  readonly id: number;
  readonly is_bot: boolean;
  readonly first_name: string;
  readonly last_name?: string;
  readonly username?: string;
}

/** A Telegram chat (`Chat`). */
export interface TgChat {
  readonly id: number;
  readonly type: 'private' | 'group' | 'supergroup';
  readonly title?: string;
  readonly first_name?: string;
  readonly username?: string;
}

/** A `PhotoSize`. */
export interface TgPhotoSize {
  readonly file_id: string;
  readonly file_unique_id: string;
  readonly width: number;
  readonly height: number;
  readonly file_size: number;
}

/** A Telegram message (`Message`). */
export interface TgMessage {
  readonly message_id: number;
  readonly date: number;
  readonly chat: TgChat;
  readonly from?: TgUser;
  readonly text?: string;
  readonly entities?: TelegramEntity[];
  readonly caption?: string;
  readonly caption_entities?: TelegramEntity[];
  readonly photo?: TgPhotoSize[];
  readonly reply_to_message?: TgMessage;
  readonly edit_date?: number;
  readonly message_thread_id?: number;
  readonly is_topic_message?: boolean;
  /** A service message: members (the bot, say) added to a group. */
  readonly new_chat_members?: TgUser[];
}

/** A Telegram update (`Update`) with a message. */
export interface TgUpdate {
  readonly update_id: number;
  readonly message?: TgMessage;
  readonly edited_message?: TgMessage;
}

/** One HTTP call the bot made. */
export interface BotApiCall {
  /** The method as the bot spelled it. */
  readonly method: string;
  readonly payload: Readonly<Record<string, unknown>>;
  /** The HTTP status the stand-in answered. */
  readonly status: number;
}

/** A message the bot sent (sendMessage or sendPhoto), as the stand-in stored it. */
export interface SentByBot {
  readonly method: 'sendMessage' | 'sendPhoto';
  readonly chatId: number;
  readonly messageId: number;
  /** The raw text (or caption) as sent, before parsing. */
  readonly raw: string;
  /** The text (or caption) after parsing, as a user sees it. */
  readonly text: string;
  readonly entities: TelegramEntity[];
  readonly parseMode: string | undefined;
  /** The message id this one replies to. */
  readonly replyTo: number | undefined;
  /** The forum topic it was sent into (`message_thread_id`). */
  readonly threadId: number | undefined;
  /** The photo's bytes (sendPhoto). */
  readonly photo: Buffer | undefined;
  /** Set when editMessageText changed it later. */
  edited?: { readonly raw: string; readonly text: string };
}

/** An error the stand-in answers instead of running a method. */
export interface Fault {
  /** HTTP status and `error_code`: 400, 401, 403, 409, 429, 500, 502 … */
  readonly status: number;
  /** The description; defaults to the server's text for the status. */
  readonly description?: string;
  /** For 429: seconds in `parameters.retry_after` and the `Retry-After` header (default 1). */
  readonly retryAfter?: number;
  /** How many calls fail (default 1). */
  readonly times?: number;
}

/** The webhook the bot set. */
export interface WebhookState {
  readonly url: string;
  readonly secret: string | undefined;
}

/** One POST of an update to the bot's webhook. */
export interface WebhookDelivery {
  readonly updateId: number;
  /** The bot's HTTP status, or 0 when it could not be reached. */
  readonly status: number;
}
