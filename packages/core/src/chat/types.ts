import type { IncomingMessage as HttpRequest, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Document } from '../document/index.js';
import type { AdapterMetrics } from './adapter-metrics.js';
import type { SendLimits } from './send-limits.js';

/** The platform an adapter serves. */
export type Platform = 'matrix' | 'discord' | 'telegram' | 'console' | 'memory' | (string & {});

/** A chat user: platform plus the platform's user id. */
export interface UserRef {
  readonly platform: Platform;
  readonly id: string;
  /** A name to address the user by, when the platform gives one. */
  readonly displayName?: string;
}

/** A room, chat or channel. */
export interface RoomRef {
  readonly platform: Platform;
  readonly id: string;
  /** A thread or topic inside the room, when the platform has them. */
  readonly threadId?: string;
}

/** A command already parsed by the platform (Discord slash command, Telegram menu). */
export interface StructuredCommand {
  readonly name: string;
  readonly args: Readonly<Record<string, string | number | boolean>>;
}

/**
 * A message an adapter received. `text` and `raw` may hold a password (`login`): they are
 * never logged.
 */
export interface IncomingMessage {
  readonly platform: Platform;
  /** The platform's id of this message/event (used for dedup, replies and redaction). */
  readonly id: string;
  readonly room: RoomRef;
  readonly sender: UserRef;
  /** The text as typed (reply fallbacks already stripped by the adapter). */
  readonly text: string;
  /** A direct room: only the sender and the bot can read it (DM, private chat, modal, console). */
  readonly isDirect: boolean;
  /** When the platform received it, Unix epoch milliseconds. */
  readonly receivedAt: number;
  /** The adapter saw the bot mentioned; the router then needs no prefix. */
  readonly mentionsBot?: boolean;
  /** Set when the platform parsed the command already; the router skips tokenizing. */
  readonly command?: StructuredCommand;
  /** The platform's own event, for adapter-specific replies. Never logged. */
  readonly raw?: unknown;
}

/** What an adapter can do; the core adapts its behaviour to it. */
export interface AdapterCapabilities {
  /** The longest text of one message, in the platform's unit (characters or bytes). */
  readonly maxMessageLength: number;
  /** Formatted text (HTML or markdown) is shown as such. */
  readonly html: boolean;
  /** Images (charts) can be sent. */
  readonly images: boolean;
  /** Messages of other users can be removed (given the power to). */
  readonly redact: boolean;
  /** Replies can be visible to one user only. */
  readonly ephemeral: boolean;
  /** The platform has direct rooms. */
  readonly directRooms: boolean;
  /** Sent messages can be edited. */
  readonly edit: boolean;
}

/** A message the adapter sent, so it can be edited or replied to later. */
export interface SentMessage {
  readonly platform: Platform;
  readonly room: RoomRef;
  readonly id: string;
}

/** Options of a send. */
export interface SendOptions {
  /**
   * A stable key of this send (report, period, target). Adapters hand it to the platform's own
   * deduplication where there is one (Matrix transaction id, Discord `nonce` with
   * `enforce_nonce`), so a send retried after a crash is shown once.
   */
  readonly idempotencyKey?: string;
}

/** Options of a reply. */
export interface ReplyOptions {
  /**
   * For the sender only: ephemeral where the platform has it, else in the sender's direct room
   * with a pointer in the shared one. An adapter never shows such an answer to the room.
   */
  readonly ephemeral?: boolean;
}

/** The outcome of removing a message. */
export interface RedactResult {
  readonly removed: boolean;
  /** Why it was not removed (e.g. `M_FORBIDDEN`, `no admin rights`). */
  readonly reason?: string;
}

/** A PNG image to send. */
export interface ImageAttachment {
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
  /** Alt text / caption. */
  readonly alt: string;
  readonly filename: string;
}

/** The shape of a declared command argument, as adapters need it (Discord options, menus). */
export interface ArgumentDescriptor {
  readonly name: string;
  readonly description: string;
  readonly type: 'string' | 'integer' | 'number' | 'boolean';
  readonly required: boolean;
  /** Permitted values, when the argument is a choice. */
  readonly choices?: readonly string[];
  /** Takes the rest of the line. */
  readonly rest?: boolean;
  /** A secret (password): adapters use a hidden input where they can. */
  readonly secret?: boolean;
}

/** A command as adapters see it (to register menus and slash commands). */
export interface CommandDescriptor {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly summary: string;
  readonly usage: string;
  readonly args: readonly ArgumentDescriptor[];
  readonly where: 'anywhere' | 'direct-only';
  readonly auth: 'public' | 'session';
  /** Answers are for the sender only (session commands). */
  readonly private: boolean;
  /** The message carries a secret (login): never shown in a shared room. */
  readonly sensitive: boolean;
}

/** What the bot hands an adapter on start. */
export interface AdapterContext {
  /** Call for every incoming message; resolves when it is handled and answered. */
  readonly onMessage: (message: IncomingMessage) => Promise<void>;
  /** The commands of the bot (for menus, slash commands). */
  readonly commands: readonly CommandDescriptor[];
  /** The command prefix (default `!`). */
  readonly prefix: string;
  /** Aborted when the bot stops. */
  readonly signal: AbortSignal;
  /** A child logger for the adapter (`{ component: 'adapter', platform }`). */
  readonly logger: Logger;
  /** The bot's metrics, as far as an adapter writes them (dropped messages, readiness). */
  readonly metrics: AdapterMetrics;
  /** The bot's HTTP server, to serve webhooks; `undefined` when the bot runs without one. */
  readonly http: HttpRoutes | undefined;
  /** Asks the bot to stop gracefully (the console's input ended); optional for test contexts. */
  readonly requestStop?: (reason: string) => void;
}

/** Handles one HTTP request on the bot's server. The body is already read. */
export type HttpHandler = (request: HttpRequest, response: ServerResponse, body: Buffer) => void | Promise<void>;

/** An answer the server sends by itself, before it reads a byte of the body. */
export interface HttpRefusal {
  /** The status, e.g. 401. */
  readonly status: number;
  /** Extra headers, e.g. `www-authenticate`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The body (default `{"error":"unauthorized"}`). */
  readonly body?: string;
}

/** A route with its limits: what may reach {@link HttpRoute.handle}. */
export interface HttpRoute {
  /** Handles an authorized request whose body is read and within the limit. */
  readonly handle: HttpHandler;
  /**
   * Checks a request from its headers alone, before the body is read: return a refusal to
   * answer at once and close the connection (the body is never read), or `undefined` to go on.
   * It may count and log the refusal; it must not keep the request.
   */
  readonly authorize?: (request: HttpRequest) => HttpRefusal | undefined;
  /** The largest body accepted, bytes; larger ones get 413 (default: the server's limit, 1 MiB). */
  readonly maxBodyBytes?: number;
}

/** Lets adapters and features add routes to the bot's HTTP server. */
export interface HttpRoutes {
  /**
   * Adds a route; `path` is exact (no patterns). A bare handler gets the server's body limit
   * and no authorization; a webhook passes an {@link HttpRoute} with `authorize` so an
   * unauthenticated caller is refused before it can send a body.
   */
  route(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, route: HttpHandler | HttpRoute): void;
}

/**
 * The port every chat platform implements. Required methods are the minimum to answer
 * commands; optional capabilities are optional methods.
 */
export interface ChatAdapter {
  readonly platform: Platform;
  readonly capabilities: AdapterCapabilities;
  /**
   * How long the platform shows one typing notice, ms (Matrix 30,000, Telegram 5,000, Discord
   * 10,000); the core renews typing before it lapses while a command runs; without it, typing is
   * started once.
   */
  readonly typingTimeoutMs?: number;
  /** The platform's published send limits; the notifier keeps every fan-out within them. */
  readonly sendLimits?: SendLimits;
  /** Connects and begins delivering messages to `context.onMessage`. */
  start(context: AdapterContext): Promise<void>;
  /** Stops receiving; resolves when the connection is closed. */
  stop(): Promise<void>;
  /**
   * Stops taking new messages but keeps sending, so in-flight answers still go out while the
   * bot drains. What arrives afterwards stays with the platform (not marked handled) and is
   * answered after the next start. `bot.stop()` calls it first.
   */
  stopReceiving?(): Promise<void>;
  /** True while connected (drives `/health/ready`). */
  isReady(): boolean;
  /** Sends a document into a room (rendered by the adapter's renderer). */
  send(room: RoomRef, doc: Document, options?: SendOptions): Promise<SentMessage[]>;
  /** Answers a message (as a reply/thread where the platform has them). */
  reply(message: IncomingMessage, doc: Document, options?: ReplyOptions): Promise<SentMessage[]>;
  /** Removes a message (a login seen in a group room). */
  redact?(message: IncomingMessage, reason: string): Promise<RedactResult>;
  /** Replaces a sent message's content (alert resolved). */
  edit?(sent: SentMessage, doc: Document): Promise<void>;
  /** Sends a PNG image into a room. */
  sendImage?(room: RoomRef, image: ImageAttachment): Promise<SentMessage>;
  /** Shows (or stops showing) that the bot is typing. */
  typing?(room: RoomRef, on: boolean): Promise<void>;
  /** The names the bot answers to when mentioned at the start of a message (e.g. `@stats:hs`). */
  mentionNames?(): readonly string[];
}
