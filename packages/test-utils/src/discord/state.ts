import { EventEmitter } from 'node:events';
import { snowflake, type ChannelRecord, type DiscordUserPayload, type MessagePayload } from './payloads.js';
import { waitUntil } from '../wait-until.js';

/** One REST request the stand-in answered. */
export interface RestRequestRecord {
  readonly method: string;
  /** The decoded path below `/api/v10`, e.g. `/channels/1/messages`. */
  readonly path: string;
  readonly status: number;
  /** The `Authorization` header was `Bot <the stand-in's token>`. */
  readonly authorized: boolean;
}

/** A scripted failure for the next matching requests. */
export interface RestFault {
  readonly method?: string;
  /** Matched against the decoded path below `/api/v10`. */
  readonly path: RegExp;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** `429` (rate limit), `401`, `500`, `502`, `503`, ...; `0` keeps the status and only delays. */
  readonly status: number;
  /** For 429: seconds to wait (body `retry_after`, header `Retry-After`); default 0.2. */
  readonly retryAfter?: number;
  /** For 429: a global limit (`X-RateLimit-Global`, scope `global`). */
  readonly global?: boolean;
  /** Wait this long before answering (a slow server). */
  readonly delayMs?: number;
}

/** A message the bot attached files to. */
export interface SentFile {
  readonly name: string;
  readonly contentType: string;
  readonly data: Uint8Array;
}

/** A message the bot created (channel message, interaction reply or follow-up). */
export interface BotMessageRecord {
  readonly message: MessagePayload;
  /** The JSON body the bot sent (`allowed_mentions`, `flags`, `message_reference`, ...). */
  readonly body: Record<string, unknown>;
  readonly files: readonly SentFile[];
  /** Set when this message answers an interaction. */
  readonly interactionId?: string;
  /** Sent with the ephemeral flag (64). */
  readonly ephemeral: boolean;
}

/** Everything an interaction received from the bot. */
export interface InteractionRecord {
  readonly id: string;
  readonly token: string;
  readonly kind: 'command' | 'modal-submit';
  readonly name: string;
  readonly channelId: string;
  readonly guildId: string | undefined;
  readonly user: DiscordUserPayload;
  readonly createdAt: number;
  /** Callback types in order (4 reply, 5 deferred, 9 modal, ...). */
  readonly callbacks: { type: number; data: Record<string, unknown> | undefined }[];
  /** The original response once its content is known (type 4, or the edit after type 5). */
  original: BotMessageRecord | undefined;
  readonly followUps: BotMessageRecord[];
  /** The modal sent as callback type 9. */
  modal: Record<string, unknown> | undefined;
  /** The original response was deferred (type 5) and later edited. */
  deferred: boolean;
  ephemeral: boolean;
}

/** A gateway session (kept across dropped connections for resume). */
export interface GatewaySession {
  readonly id: string;
  readonly intents: number;
  seq: number;
  /** Every dispatch of the session, for replay on resume. */
  readonly sent: { op: 0; t: string; s: number; d: unknown }[];
  /** Sends a frame on the current connection; `undefined` while disconnected. */
  send: ((frame: string) => void) | undefined;
  identifies: number;
  resumes: number;
}

/** Behaviour switches of the stand-in; tests may change them while it runs. */
export interface DiscordBehaviour {
  /** Time allowed for the first interaction response (Discord: 3 000 ms); later → 10062. */
  interactionWindowMs: number;
  /** The bot has Manage Messages (may delete other users' messages); else 403 50013. */
  manageMessages: boolean;
  /** The privileged MessageContent intent is enabled for the app; else Identify with it → close 4014. */
  messageContentAllowed: boolean;
  /** Per-bucket request limit; `undefined` = generous headers and no limit. */
  bucket: { limit: number; windowMs: number } | undefined;
  /** The gateway's heartbeat interval sent in Hello. */
  heartbeatIntervalMs: number;
  /** Users who do not accept direct messages from the bot: a message to their DM → 403 50007. */
  readonly closedDirectMessages: Set<string>;
}

/** The shared model behind the REST and gateway stand-ins. */
export class DiscordState {
  readonly behaviour: DiscordBehaviour = {
    interactionWindowMs: 3000,
    manageMessages: true,
    messageContentAllowed: true,
    bucket: undefined,
    heartbeatIntervalMs: 41_250,
    closedDirectMessages: new Set(),
  };
  readonly events = new EventEmitter();
  readonly channels = new Map<string, ChannelRecord>();
  readonly messages = new Map<string, MessagePayload>();
  readonly botMessages: BotMessageRecord[] = [];
  readonly deleted: { channelId: string; messageId: string; reason: string | undefined }[] = [];
  readonly interactions = new Map<string, InteractionRecord>();
  readonly requests: RestRequestRecord[] = [];
  readonly faults: RestFault[] = [];
  readonly globalCommands: Record<string, unknown>[] = [];
  readonly guildCommands = new Map<string, Record<string, unknown>[]>();
  /** Bulk overwrites received (`PUT .../commands`), in order. */
  readonly commandOverwrites: { guildId: string | undefined; body: unknown }[] = [];
  /** Protocol misuse the stand-in refused (e.g. a `compress` query). */
  readonly protocolErrors: string[] = [];
  session: GatewaySession | undefined;
  /** Every 429 the stand-in answered, with the path. */
  readonly rateLimited: string[] = [];
  /** Messages created with `enforce_nonce`, by `channel:nonce` (Discord answers a repeat with the first). */
  readonly nonces = new Map<string, MessagePayload>();
  /** The guild's roles beside @everyone, id → name (sent in GUILD_CREATE). */
  readonly roles = new Map<string, string>();
  /** Guild members (every user the stand-in made) and their role ids, by user id. */
  readonly members = new Map<string, { user: DiscordUserPayload; roles: string[] }>();
  /** The gateway URL `/gateway/bot` hands out (set once the server listens). */
  gatewayUrl = '';

  constructor(
    readonly token: string,
    readonly applicationId: string,
    readonly bot: DiscordUserPayload,
    readonly guildId: string,
  ) {
    this.events.setMaxListeners(0);
  }

  /** Signals that something observable changed (waiters re-check). */
  changed(): void {
    this.events.emit('changed');
  }

  /**
   * Resolves with the first non-undefined value of `check`, re-checked on every change.
   * Rejects after `timeoutMs` with a message naming `what` (a guard, not a timing assertion).
   */
  until<T>(check: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    return waitUntil(
      check,
      (onChange) => {
        this.events.on('changed', onChange);
        return () => this.events.off('changed', onChange);
      },
      timeoutMs,
      () => `Discord stand-in: gave up waiting for ${what} after ${timeoutMs} ms`,
    );
  }

  /** Takes one use of the first fault matching the request, if any. */
  takeFault(method: string, path: string): RestFault | undefined {
    const index = this.faults.findIndex((f) => (f.method === undefined || f.method === method) && f.path.test(path));
    const fault = this.faults[index];
    if (fault === undefined) return undefined;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.faults.splice(index, 1);
    return fault;
  }

  /** Sends a dispatch on the gateway session (buffered for resume while disconnected). */
  dispatch(t: string, d: unknown): void {
    const session = this.session;
    if (session === undefined)
      throw new Error('Discord stand-in: no gateway session yet (start the bot and await its ready state first)');
    session.seq += 1;
    const frame = { op: 0 as const, t, s: session.seq, d };
    session.sent.push(frame);
    session.send?.(JSON.stringify(frame));
  }

  /** The DM channel with a user, created on first use. */
  directChannel(userId: string, user?: DiscordUserPayload): ChannelRecord {
    const existing = [...this.channels.values()].find((c) => c.type === 1 && c.recipient?.id === userId);
    if (existing !== undefined) return existing;
    const channel: ChannelRecord = {
      id: snowflake(),
      type: 1,
      recipient: user ?? { id: userId, username: `user${userId}`, discriminator: '0', global_name: null, avatar: null },
    };
    this.channels.set(channel.id, channel);
    return channel;
  }

  /** Dispatches `MESSAGE_CREATE` the way the gateway would for the session's intents. */
  dispatchMessage(message: MessagePayload): void {
    const session = this.session;
    if (session === undefined) return;
    const direct = message.guild_id === undefined;
    if (!direct && (session.intents & GUILD_MESSAGES) === 0) return;
    if (direct && (session.intents & DIRECT_MESSAGES) === 0) return;
    const visible =
      direct ||
      (session.intents & MESSAGE_CONTENT) !== 0 ||
      message.author.id === this.bot.id ||
      message.mentions.some((u) => u.id === this.bot.id);
    const typed = { ...message, channel_type: direct ? 1 : 0 };
    this.dispatch(
      'MESSAGE_CREATE',
      visible ? typed : { ...typed, content: '', embeds: [], attachments: [], components: [] },
    );
  }

  /** A bulk overwrite of the global (no guild) or a guild's commands, validated like Discord. */
  overwriteCommands(guildId: string | undefined, body: unknown): { status: number; body: unknown } {
    if (!Array.isArray(body))
      return {
        status: 400,
        body: {
          code: 50035,
          message: 'Invalid Form Body',
          errors: { _errors: [{ code: 'ARRAY_TYPE_CONVERT', message: 'Expected an array' }] },
        },
      };
    const problems = body.flatMap((command: Record<string, unknown>, i) =>
      commandProblems(command).map((p) => `${i}.${p}`),
    );
    if (problems.length > 0)
      return {
        status: 400,
        body: {
          code: 50035,
          message: 'Invalid Form Body',
          errors: Object.fromEntries(problems.map((p) => [p, { _errors: [{ code: 'INVALID', message: p }] }])),
        },
      };
    const stored = body.map((command: Record<string, unknown>) => ({
      id: snowflake(),
      application_id: this.applicationId,
      version: snowflake(),
      type: 1,
      default_member_permissions: null,
      nsfw: false,
      ...(guildId === undefined ? {} : { guild_id: guildId }),
      ...command,
    }));
    const list = guildId === undefined ? this.globalCommands : (this.guildCommands.get(guildId) ?? []);
    list.splice(0, list.length, ...stored);
    if (guildId !== undefined) this.guildCommands.set(guildId, list);
    this.commandOverwrites.push({ guildId, body });
    this.changed();
    return { status: 200, body: stored };
  }
}

const GUILD_MESSAGES = 1 << 9;
const DIRECT_MESSAGES = 1 << 12;
const MESSAGE_CONTENT = 1 << 15;
const NAME = /^[-_'\p{Ll}\p{N}]{1,32}$/u;
const OPTION_TYPES = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);

/** What Discord would refuse in one chat-input command (`name`, `description`, `options.N.*`). */
function commandProblems(command: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const described = (value: unknown): boolean => typeof value === 'string' && value.length >= 1 && value.length <= 100;
  if (typeof command['name'] !== 'string' || !NAME.test(command['name'])) problems.push('name');
  if (!described(command['description'])) problems.push('description');
  const options = (command['options'] ?? []) as Record<string, unknown>[];
  if (options.length > 25) problems.push('options');
  let optionalSeen = false;
  options.forEach((option, j) => {
    if (typeof option['name'] !== 'string' || !NAME.test(option['name'])) problems.push(`options.${j}.name`);
    if (!described(option['description'])) problems.push(`options.${j}.description`);
    if (!OPTION_TYPES.has(Number(option['type']))) problems.push(`options.${j}.type`);
    if (option['required'] === true && optionalSeen) problems.push(`options.${j}.required`);
    if (option['required'] !== true) optionalSeen = true;
    const choices = (option['choices'] ?? []) as unknown[];
    if (choices.length > 25) problems.push(`options.${j}.choices`);
  });
  return problems;
}
