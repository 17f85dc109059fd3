import type {
  AdapterCapabilities,
  AdapterContext,
  ChatAdapter,
  ImageAttachment,
  IncomingMessage,
  RedactResult,
  ReplyOptions,
  RoomRef,
  SendLimits,
  SentMessage,
  UserRef,
} from '../chat/index.js';
import { plainRenderer, type Document, type Renderer } from '../document/index.js';

/** One message the in-memory adapter sent. */
export interface SentRecord {
  readonly id: string;
  readonly room: RoomRef;
  readonly document: Document;
  /** The plain-text rendering (all chunks joined by a newline). */
  readonly plain: string;
  /** The id of the message it answers, for replies. */
  readonly inReplyTo: string | undefined;
  readonly ephemeral: boolean;
}

/** Options of {@link createMemoryAdapter}. */
export interface MemoryAdapterOptions {
  readonly platform?: string;
  readonly capabilities?: Partial<AdapterCapabilities>;
  readonly renderer?: Renderer<string>;
  /** Keep every sent message in `sent` (default true; benchmarks turn it off). */
  readonly record?: boolean;
  /** Called for every sent message (after recording). */
  readonly onSend?: (record: SentRecord) => void;
  /** What `redact` answers (default: removed). */
  readonly redactResult?: RedactResult;
  /** Declares the platform's typing timeout, ms (see `ChatAdapter.typingTimeoutMs`); default none. */
  readonly typingTimeoutMs?: number;
  /** Declares send limits (see `ChatAdapter.sendLimits`); default none: memory needs no throttling. */
  readonly sendLimits?: SendLimits;
}

/** One `typing` call the in-memory adapter got. */
export interface TypingRecord {
  /** The room typing was shown (or cleared) in. */
  readonly room: RoomRef;
  /** `true` to show typing, `false` to clear it. */
  readonly on: boolean;
  /** `performance.now()` of the call. */
  readonly at: number;
}

/** What {@link MemoryAdapter.deliver} accepts: the text plus whatever the test cares about. */
export interface DeliverOptions {
  readonly user?: UserRef | string;
  readonly room?: RoomRef | string;
  /** A direct room (default true). */
  readonly direct?: boolean;
  readonly mentionsBot?: boolean;
  readonly id?: string;
  readonly receivedAt?: number;
  readonly command?: IncomingMessage['command'];
}

/** No bucket at all: nothing to protect in memory. */
const NO_SEND_LIMITS: SendLimits = { room: () => [] };

const DEFAULT_CAPABILITIES: AdapterCapabilities = {
  maxMessageLength: 4000,
  html: false,
  images: true,
  redact: true,
  ephemeral: true,
  directRooms: true,
  edit: true,
};

/**
 * A chat platform in memory: messages go in with `deliver`, answers are rendered as plain text
 * and kept in `sent`. For tests of commands and for benchmarks.
 */
export class MemoryAdapter implements ChatAdapter {
  readonly platform: string;
  readonly capabilities: AdapterCapabilities;
  readonly sent: SentRecord[] = [];
  readonly redacted: IncomingMessage[] = [];
  readonly edits: { readonly sent: SentMessage; readonly document: Document }[] = [];
  readonly images: { readonly room: RoomRef; readonly image: ImageAttachment }[] = [];
  /** Every `typing` call, in order. */
  readonly typingCalls: TypingRecord[] = [];
  /** The typing timeout this adapter declares (from its options), ms. */
  readonly typingTimeoutMs?: number;
  /** The send limits this adapter declares (from its options; default none). */
  readonly sendLimits: SendLimits;
  readonly #renderer: Renderer<string>;
  readonly #record: boolean;
  readonly #onSend: ((record: SentRecord) => void) | undefined;
  readonly #redactResult: RedactResult;
  #context: AdapterContext | undefined;
  readonly #users = new Map<string, UserRef>();
  readonly #rooms = new Map<string, RoomRef>();
  #nextId = 1;
  #ready = false;

  constructor(options: MemoryAdapterOptions = {}) {
    this.platform = options.platform ?? 'memory';
    this.capabilities = { ...DEFAULT_CAPABILITIES, ...options.capabilities };
    this.#renderer = options.renderer ?? plainRenderer;
    this.#record = options.record ?? true;
    this.#onSend = options.onSend;
    this.#redactResult = options.redactResult ?? { removed: true };
    if (options.typingTimeoutMs !== undefined) this.typingTimeoutMs = options.typingTimeoutMs;
    this.sendLimits = options.sendLimits ?? NO_SEND_LIMITS;
  }

  /** Records the call in `typingCalls`. */
  async typing(room: RoomRef, on: boolean): Promise<void> {
    this.typingCalls.push({ room, on, at: performance.now() });
  }

  async start(context: AdapterContext): Promise<void> {
    this.#context = context;
    this.#ready = true;
  }

  async stop(): Promise<void> {
    this.#ready = false;
  }

  isReady(): boolean {
    return this.#ready;
  }

  /** The commands the bot registered (as a platform menu would get them). */
  get commands(): AdapterContext['commands'] {
    return this.#context?.commands ?? [];
  }

  /**
   * Delivers a message to the bot as a user would send it; resolves when it is answered.
   * @throws Error when the bot has not started this adapter.
   */
  deliver(text: string, options: DeliverOptions = {}): Promise<void> {
    const context = this.#context;
    if (context === undefined) throw new Error('MemoryAdapter: start the bot before delivering messages');
    const direct = options.direct ?? true;
    const user = typeof options.user === 'object' ? options.user : this.#user(options.user ?? '@alice');
    const room =
      typeof options.room === 'object'
        ? options.room
        : this.#room(options.room ?? (direct ? `dm:${user.id}` : 'room:team'));
    const message: { -readonly [K in keyof IncomingMessage]: IncomingMessage[K] } = {
      platform: this.platform,
      id: options.id ?? `m${this.#nextId++}`,
      room,
      sender: user,
      text,
      isDirect: direct,
      receivedAt: options.receivedAt ?? Date.now(),
    };
    // Set only when given (no spread of an empty object per message).
    if (options.mentionsBot !== undefined) message.mentionsBot = options.mentionsBot;
    if (options.command !== undefined) message.command = options.command;
    return context.onMessage(message);
  }

  #user(id: string): UserRef {
    let user = this.#users.get(id);
    if (user === undefined) {
      user = { platform: this.platform, id };
      this.#users.set(id, user);
    }
    return user;
  }

  #room(id: string): RoomRef {
    let room = this.#rooms.get(id);
    if (room === undefined) {
      room = { platform: this.platform, id };
      this.#rooms.set(id, room);
    }
    return room;
  }

  async send(room: RoomRef, doc: Document): Promise<SentMessage[]> {
    return [this.#store(room, doc, undefined, false)];
  }

  async reply(message: IncomingMessage, doc: Document, options?: ReplyOptions): Promise<SentMessage[]> {
    return [this.#store(message.room, doc, message.id, options?.ephemeral === true)];
  }

  async redact(message: IncomingMessage): Promise<RedactResult> {
    if (this.#redactResult.removed) this.redacted.push(message);
    return this.#redactResult;
  }

  async edit(sent: SentMessage, doc: Document): Promise<void> {
    this.edits.push({ sent, document: doc });
  }

  async sendImage(room: RoomRef, image: ImageAttachment): Promise<SentMessage> {
    this.images.push({ room, image });
    return { platform: this.platform, room, id: `s${this.#nextId++}` };
  }

  #store(room: RoomRef, doc: Document, inReplyTo: string | undefined, ephemeral: boolean): SentMessage {
    const id = `s${this.#nextId++}`;
    if (this.#record || this.#onSend !== undefined) {
      const chunks = this.#renderer.render(doc);
      const record: SentRecord = {
        id,
        room,
        document: doc,
        plain: chunks.length === 1 ? (chunks[0] as string) : chunks.join('\n'),
        inReplyTo,
        ephemeral,
      };
      if (this.#record) this.sent.push(record);
      this.#onSend?.(record);
    }
    return { platform: this.platform, room, id };
  }
}

/** Creates an in-memory adapter. */
export function createMemoryAdapter(options: MemoryAdapterOptions = {}): MemoryAdapter {
  return new MemoryAdapter(options);
}
