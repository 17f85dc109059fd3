import {
  discordRenderer,
  textDocument,
  withErrorSerializers,
  type AdapterCapabilities,
  type AdapterContext,
  type ChatAdapter,
  type CommandDescriptor,
  type DiscordMessage,
  type Document,
  type ImageAttachment,
  type IncomingMessage,
  type RedactResult,
  type Renderer,
  type RoomRef,
  type SentMessage,
} from '@stats/core';
import { createIntakeGate, type IntakeGate } from '@stats/core/adapter';
import {
  DiscordAPIError,
  Events,
  Routes,
  type Client,
  type Interaction,
  type Message,
  type SendableChannels,
} from 'discord.js';
import { createDiscordClient, describeError as describe, loginAndWait, watchClient } from './discord-client.js';
import { fromMessage, fromModalSubmit, fromSlashCommand } from './incoming.js';
import { InteractionReply } from './interaction-reply.js';
import { commandModal, modalArgs, modalCommandName } from './login-modal.js';
import { chartFile, NO_MENTIONS, nonceOf, toPayloads, type ChartRenderer, type OutgoingPayload } from './outgoing.js';
import { discordAllowList, type DiscordAllowList } from './allow-list.js';
import { createMemoryHandledLog } from './handled-log.js';
import { registerCommands } from './register-commands.js';
import { DISCORD_SEND_LIMITS } from './send-limits.js';
import { discordFailure } from './sdk-errors.js';

/** Options of {@link createDiscordAdapter}. */
export interface DiscordAdapterOptions {
  /** The bot token (`DISCORD_TOKEN`). Never logged. */
  readonly token: string;
  /** The application id (`DISCORD_APPLICATION_ID`), for command registration. */
  readonly applicationId: string;
  /** Register slash commands in this guild only (`DISCORD_GUILD_ID`; instant), else globally. */
  readonly guildId?: string;
  /**
   * The REST base (`DISCORD_API_URL`), e.g. a rate-limit proxy or a stand-in, without `/v10`;
   * default `https://discord.com/api`. The gateway URL then comes from its `/gateway/bot`.
   */
  readonly apiUrl?: string;
  /**
   * Ask for the privileged MessageContent intent (`DISCORD_MESSAGE_CONTENT`), so prefix commands
   * work in guild channels (default false: slash commands, mentions and DMs only). It must be
   * enabled for the app in the developer portal, else Discord refuses the connection (4014).
   */
  readonly messageContent?: boolean;
  /** The adapter's logger (default: the bot's, from the start context). */
  readonly logger?: AdapterContext['logger'];
  /** Renders documents (default the core's `discordRenderer`: content ≤ 2,000, embeds within limits). */
  readonly renderer?: Renderer<DiscordMessage>;
  /** Renders chart blocks to PNG; with it charts are sent as attachments, without it as text. */
  readonly renderChart?: ChartRenderer;
  /** Defer an interaction reply ("thinking…") when the command has not answered by then (default 2,000 ms; Discord allows 3 s). */
  readonly deferAfterMs?: number;
  /** Register slash commands on start (default true). */
  readonly registerCommands?: boolean;
  /** Who may use the bot (`DISCORD_ALLOWED_GUILDS`, `DISCORD_ALLOWED_ROLES`); default everyone. */
  readonly allow?: DiscordAllowList;
  /**
   * Events a resumed session replays that are older than this are dropped (default the core's
   * `DEFAULT_CATCH_UP_WINDOW_MS`, 5 min).
   */
  readonly catchUpWindowMs?: number;
}

/** The logger adapters get from the bot (pino). */
type Logger = AdapterContext['logger'];

const CAPABILITIES: AdapterCapabilities = {
  maxMessageLength: 2000,
  html: true,
  images: true,
  redact: true,
  ephemeral: true,
  directRooms: true,
  edit: true,
};

const PLATFORM = 'discord';

/** Discord shows a typing indicator for 10 s (or until the bot's next message); the core renews it. */
const TYPING_TIMEOUT_MS = 10_000;

/** API error codes that mean "you may not delete this" (Missing Access, DM, Missing Permissions). */
const NOT_ALLOWED = new Set([50001, 50003, 50013]);

/**
 * The Discord adapter on discord.js: slash commands generated from the bot's commands (bulk
 * overwrite when they changed), interactions and prefix messages delivered to the core,
 * replies rendered as markdown and embeds with every mention disabled, slow commands deferred,
 * session commands ephemeral, and `/login` asked for in a modal.
 *
 * @throws ConfigError from `start()` when Discord refuses the token (`DISCORD_TOKEN`) or the
 *   MessageContent intent is not enabled for the app (`DISCORD_MESSAGE_CONTENT`).
 * @example
 * import { createDiscordAdapter, fromEnv } from '@stats/adapter-discord';
 * // DISCORD_TOKEN, DISCORD_APPLICATION_ID, DISCORD_GUILD_ID, …: see {@link fromEnv}.
 * const discordEnv = fromEnv() ?? { token: '…', applicationId: '123456789012345678' };
 * const discord = createDiscordAdapter(discordEnv);
 * const bot = createBot({ adapters: [discord], commands });
 * await bot.start();
 */
export function createDiscordAdapter(options: DiscordAdapterOptions): ChatAdapter {
  const renderer = options.renderer ?? discordRenderer;
  const deferAfterMs = options.deferAfterMs ?? 2000;
  const replies = new WeakMap<IncomingMessage, InteractionReply>();
  const pendingInRoom = new Map<string, number>();
  let client: Client | undefined;
  let logger: Logger | undefined = options.logger;
  let connected = false;
  let context: AdapterContext | undefined;
  let commandsByName = new Map<string, CommandDescriptor>();
  let intake: IntakeGate | undefined;

  /**
   * Runs `handle` for an event the core's intake gate admits: a message or interaction replayed
   * after a RESUME that was handled (or is being handled) already is dropped, and counted.
   */
  const once = async (id: string, sentAt: number, handle: () => Promise<void>): Promise<void> => {
    if (intake === undefined || (await intake.admit(id, sentAt)) !== 'handle') return;
    try {
      await handle();
    } finally {
      await intake.finish(id, sentAt);
    }
  };

  const live = (): Client<true> => {
    if (client === undefined || !client.isReady()) throw new Error('the Discord adapter is not started');
    return client;
  };

  const setConnected = (value: boolean): void => {
    connected = value;
    context?.metrics.adapterReady.set({ platform: PLATFORM }, value ? 1 : 0);
  };

  const sendable = async (roomId: string): Promise<SendableChannels> => {
    const channel = await live().channels.fetch(roomId);
    if (channel === null || !channel.isSendable())
      throw new Error(`Discord channel ${roomId} is not a channel the bot can send to`);
    return channel;
  };

  const sent = (room: RoomRef, message: Message): SentMessage => ({ platform: PLATFORM, room, id: message.id });

  const deliver = async (message: IncomingMessage, run: () => Promise<void>): Promise<void> => {
    const room = message.room.id;
    pendingInRoom.set(room, (pendingInRoom.get(room) ?? 0) + 1);
    try {
      await run();
    } finally {
      const left = (pendingInRoom.get(room) ?? 1) - 1;
      if (left <= 0) pendingInRoom.delete(room);
      else pendingInRoom.set(room, left);
    }
  };

  const gate = discordAllowList(options.allow);

  const onInteraction = async (interaction: Interaction, ctx: AdapterContext): Promise<void> => {
    if (!(await gate.allows(interaction, interaction.client, ctx))) return;
    if (interaction.isChatInputCommand()) {
      const command = commandsByName.get(interaction.commandName);
      if (command?.sensitive === true) {
        await interaction.showModal(commandModal(command));
        return;
      }
      const message = fromSlashCommand(interaction, command, ctx.prefix);
      const reply = new InteractionReply(interaction, command?.private === true, deferAfterMs, (error, what) =>
        logger?.warn({ err: describe(error) }, what),
      );
      replies.set(message, reply);
      await deliver(message, () => ctx.onMessage(message));
      await reply.finish();
      return;
    }
    if (interaction.isModalSubmit()) {
      const name = modalCommandName(interaction.customId);
      const command = name === undefined ? undefined : commandsByName.get(name);
      if (command === undefined) return;
      const message = fromModalSubmit(interaction, command.name, modalArgs(command, interaction), ctx.prefix);
      const reply = new InteractionReply(interaction, true, deferAfterMs, (error, what) =>
        logger?.warn({ err: describe(error) }, what),
      );
      replies.set(message, reply);
      await deliver(message, () => ctx.onMessage(message));
      await reply.finish();
    }
  };

  const onMessage = async (raw: Message, ctx: AdapterContext): Promise<void> => {
    const self = raw.client.user.id;
    if (raw.author.id === self || raw.author.bot || raw.webhookId !== null) {
      ctx.metrics.messagesDropped.inc({
        platform: PLATFORM,
        reason: raw.author.id === self ? 'own_message' : 'bot_author',
      });
      return;
    }
    if (raw.content === '') return;
    if (!(await gate.allows({ guildId: raw.guildId, user: raw.author, member: raw.member }, raw.client, ctx))) return;
    await ctx.onMessage(fromMessage(raw, self));
  };

  const sendPayloads = async (
    room: RoomRef,
    payloads: readonly OutgoingPayload[],
    replyTo: string | undefined,
    idempotencyKey?: string,
  ): Promise<SentMessage[]> => {
    const channel = await sendable(room.id);
    const out: SentMessage[] = [];
    for (const [i, payload] of payloads.entries()) {
      const reference =
        i === 0 && replyTo !== undefined ? { reply: { messageReference: replyTo, failIfNotExists: false } } : {};
      const dedup = idempotencyKey === undefined ? {} : { nonce: nonceOf(idempotencyKey, i), enforceNonce: true };
      out.push(sent(room, await channel.send({ ...payload, ...reference, ...dedup })));
    }
    return out;
  };

  /** Says `text` in the room, as a reply to the message. */
  const notice = async (message: IncomingMessage, text: string, tone?: 'warning'): Promise<SentMessage[]> =>
    sendPayloads(message.room, await toPayloads(textDocument(text, tone), renderer, undefined), message.id);

  /**
   * An answer for the sender only, asked for with a prefix command in a shared channel (a message
   * cannot be ephemeral): it goes to the sender's DM and the channel hears only where it went.
   * When the user accepts no DMs from the bot (50007) the channel hears how to get it, never the answer.
   */
  const replyPrivately = async (message: IncomingMessage, payloads: readonly OutgoingPayload[]) => {
    const name = message.sender.displayName ?? 'you';
    try {
      const dm = await live().users.createDM(message.sender.id);
      const out = await sendPayloads({ platform: PLATFORM, id: dm.id }, payloads, undefined);
      await notice(message, `📬 ${name}, I sent you the answer in a direct message.`);
      return out;
    } catch (error) {
      if (!(error instanceof DiscordAPIError) || error.code !== 50007) throw discordFailure(error, 'reply');
      return notice(
        message,
        `🔒 ${name}, this answer is for you only and you accept no direct messages from me: allow direct messages from this server's members, or use the slash command, whose answer only you see.`,
        'warning',
      );
    }
  };

  return {
    platform: PLATFORM,
    capabilities: CAPABILITIES,
    typingTimeoutMs: TYPING_TIMEOUT_MS,
    sendLimits: DISCORD_SEND_LIMITS,

    async start(ctx) {
      context = ctx;
      // An adapter-level logger from the bot author gets the core's error serializer too.
      logger = (options.logger === undefined ? ctx.logger : withErrorSerializers(options.logger)).child({
        component: 'discord',
      });
      commandsByName = new Map(ctx.commands.map((c) => [c.name, c]));
      const created = createDiscordClient(options);
      client = created;
      const log = logger;
      watchClient(created, log, setConnected);
      intake = createIntakeGate({
        platform: PLATFORM,
        log: createMemoryHandledLog(),
        catchUpWindowMs: options.catchUpWindowMs,
        metrics: ctx.metrics,
      });
      created.on(Events.InteractionCreate, (interaction) => {
        once(interaction.id, interaction.createdTimestamp, () => onInteraction(interaction, ctx)).catch(
          (error: unknown) => log.error({ err: describe(error) }, 'answering an interaction failed'),
        );
      });
      created.on(Events.MessageCreate, (message) => {
        once(message.id, message.createdTimestamp, () => onMessage(message, ctx)).catch((error: unknown) =>
          log.error({ err: describe(error) }, 'handling a message failed'),
        );
      });
      try {
        await loginAndWait(created, options.token);
      } catch (error) {
        client = undefined;
        throw discordFailure(error, 'login');
      }
      setConnected(true);
      const readyApplication = created.application?.id;
      if (readyApplication !== undefined && readyApplication !== options.applicationId) {
        log.warn(
          { configured: options.applicationId, fromGateway: readyApplication },
          'DISCORD_APPLICATION_ID differs from the application of the token',
        );
      }
      if (options.registerCommands !== false) {
        try {
          const result = await registerCommands(created.rest, options.applicationId, options.guildId, ctx.commands);
          log.info({ ...result }, 'slash commands checked');
        } catch (error) {
          log.error({ err: describe(error) }, 'registering slash commands failed; prefix commands still work');
        }
      }
    },

    async stop() {
      const running = client;
      client = undefined;
      setConnected(false);
      await running?.destroy();
    },

    isReady: () => connected && client?.isReady() === true,

    async send(room, doc, sendOptions) {
      const payloads = await toPayloads(doc, renderer, options.renderChart);
      return sendPayloads(room, payloads, undefined, sendOptions?.idempotencyKey).catch((error: unknown) => {
        throw discordFailure(error, 'send');
      });
    },

    async reply(message, doc, replyOptions) {
      const payloads = await toPayloads(doc, renderer, options.renderChart);
      const interaction = replies.get(message);
      if (interaction !== undefined) {
        const out: SentMessage[] = [];
        try {
          for (const payload of payloads)
            out.push(sent(message.room, await interaction.send(payload, replyOptions?.ephemeral === true)));
        } catch (error) {
          // A DiscordAPIError carries the interaction token in its URL: the caller gets only status and code.
          throw discordFailure(error, 'interaction reply');
        }
        return out;
      }
      if (replyOptions?.ephemeral === true && !message.isDirect) return replyPrivately(message, payloads);
      return sendPayloads(message.room, payloads, message.id).catch((error: unknown) => {
        throw discordFailure(error, 'reply');
      });
    },

    async redact(message, reason): Promise<RedactResult> {
      if (replies.has(message)) return { removed: true };
      try {
        await live().rest.delete(Routes.channelMessage(message.room.id, message.id), { reason });
        return { removed: true };
      } catch (error) {
        if (error instanceof DiscordAPIError && error.code === 10008) return { removed: true };
        if (error instanceof DiscordAPIError && typeof error.code === 'number' && NOT_ALLOWED.has(error.code)) {
          return { removed: false, reason: 'I lack the Manage Messages permission here' };
        }
        throw discordFailure(error, 'redact');
      }
    },

    async edit(target, doc) {
      const [first] = await toPayloads(doc, renderer, undefined);
      if (first === undefined) return;
      const channel = await sendable(target.room.id);
      await channel.messages.edit(target.id, {
        content: first.content ?? '',
        embeds: first.embeds ?? [],
        allowedMentions: NO_MENTIONS,
      });
    },

    async sendImage(room, image: ImageAttachment) {
      const channel = await sendable(room.id);
      return sent(room, await channel.send({ files: [chartFile(image)], allowedMentions: NO_MENTIONS }));
    },

    async typing(room, on) {
      if (!on || pendingInRoom.has(room.id)) return;
      const channel = await sendable(room.id);
      await channel.sendTyping();
    },

    mentionNames() {
      const id = client?.user?.id;
      return id === undefined ? [] : [`<@${id}>`, `<@!${id}>`];
    },
  };
}
