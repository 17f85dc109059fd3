import type { AddressInfo } from 'node:net';
import { registerSecret } from '../log-scan.js';
import { Gateway } from './gateway.js';
import { memberPayload, snowflake, userPayload, type DiscordUserPayload, type MessagePayload } from './payloads.js';
import { createRestServer } from './rest-server.js';
import {
  DiscordState,
  type BotMessageRecord,
  type DiscordBehaviour,
  type InteractionRecord,
  type RestFault,
} from './state.js';

/** Options of {@link startDiscordStandIn}. */
export interface DiscordStandInOptions {
  /** The bot token the stand-in accepts (default `stand-in-token`). */
  readonly token?: string;
  /** Names of the guild's text channels (default `general`, `reports`). */
  readonly channels?: readonly string[];
  readonly behaviour?: Partial<DiscordBehaviour>;
  /** Names of the guild's roles beside @everyone (sent in GUILD_CREATE); see {@link DiscordStandIn.role}. */
  readonly roles?: readonly string[];
}

/** Who acts and where: a guild channel (default `general`) or the user's DM. */
export interface ActAs {
  /** The acting user's name (default `alice`); ids are stable per name. */
  readonly user?: string;
  /** A channel name of the guild; ignored when `direct`. */
  readonly channel?: string;
  readonly direct?: boolean;
}

/** The final state of an interaction's first response. */
export interface InteractionResponse {
  /** `message` (a reply, possibly deferred then edited) or `modal`. */
  readonly kind: 'message' | 'modal';
  readonly deferred: boolean;
  readonly ephemeral: boolean;
  readonly message: BotMessageRecord | undefined;
  readonly modal: Record<string, unknown> | undefined;
}

/** An interaction the stand-in dispatched on a user's behalf. */
export interface InteractionHandle {
  readonly id: string;
  readonly record: InteractionRecord;
  /** Resolves once the first response is complete (type 4, type 5 + edit, or a modal). */
  response(): Promise<InteractionResponse>;
}

/** A running Discord stand-in (REST + gateway on one loopback port). */
export interface DiscordStandIn {
  /** The REST base for discord.js's `rest.api` / `DISCORD_API_URL`, e.g. `http://127.0.0.1:PORT/api`. */
  readonly url: string;
  readonly gatewayUrl: string;
  readonly token: string;
  readonly applicationId: string;
  readonly guildId: string;
  readonly bot: DiscordUserPayload;
  /** The model: requests, bot messages, interactions, commands, deletions, faults. */
  readonly state: DiscordState;
  /** The id of a guild channel by name. */
  channel(name?: string): string;
  /** A user by name (created on first use, with a stable id; every user is a member of the guild). */
  user(name?: string): DiscordUserPayload;
  /** The id of a guild role by name (from the `roles` option). */
  role(name: string): string;
  /** Sets a user's guild roles by name: carried by their interactions, guild messages and `GET /guilds/…/members/…`. */
  grantRoles(userName: string, roleNames: readonly string[]): void;
  /** Resolves when a bot is identified or resumed on an open gateway connection. */
  connected(): Promise<void>;
  /** Runs a slash command as a user. `options` are the option values by name. */
  slash(name: string, options?: Readonly<Record<string, string | number | boolean>>, as?: ActAs): InteractionHandle;
  /** Submits the modal an interaction received, with text-input values by `custom_id`. */
  submitModal(
    from: InteractionHandle,
    values: Readonly<Record<string, string>>,
    as?: ActAs,
  ): Promise<InteractionHandle>;
  /** Posts a message as a user (guild channel or DM); returns the message. */
  say(content: string, as?: ActAs): MessagePayload;
  /** Resolves with the bot's first message replying to `messageId` (or, in a DM, sent after it). */
  replyTo(messageId: string): Promise<BotMessageRecord>;
  /** Fails the next matching REST requests (429, 401, 5xx) or slows them. */
  fault(fault: RestFault): void;
  /**
   * Drops the gateway connection without a close frame; the bot should resume (or, with
   * `invalidateSession`, identify again). With `replayAgain` the resume also re-sends the last
   * that many dispatches the bot already had, as Discord may deliver an event twice.
   */
  dropConnection(options?: { readonly invalidateSession?: boolean; readonly replayAgain?: number }): void;
  /** Asks the bot to reconnect (op 7). */
  requestReconnect(): void;
  stop(): Promise<void>;
}

/**
 * Starts a Discord stand-in on 127.0.0.1 port 0: REST (API v10) and gateway, enough for
 * discord.js 14 to log in, receive interactions and messages, and answer them.
 *
 * @example
 * const discord = await startDiscordStandIn();
 * const client = new Client({ intents, rest: { api: discord.url } });
 * await client.login(discord.token);
 */
export async function startDiscordStandIn(options: DiscordStandInOptions = {}): Promise<DiscordStandIn> {
  const token = options.token ?? 'stand-in-token';
  registerSecret(token, 'Discord bot token');
  const bot = userPayload(snowflake(), 'stats-bot', true);
  const state = new DiscordState(token, snowflake(), bot, snowflake());
  Object.assign(state.behaviour, options.behaviour);
  const channelIds = new Map<string, string>();
  for (const name of options.channels ?? ['general', 'reports']) {
    const id = snowflake();
    channelIds.set(name, id);
    state.channels.set(id, { id, type: 0, name, guild_id: state.guildId });
  }
  for (const roleName of options.roles ?? []) state.roles.set(snowflake(), roleName);
  const users = new Map<string, DiscordUserPayload>();
  const gateway = new Gateway(state);
  const server = createRestServer(state, gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  state.gatewayUrl = `ws://127.0.0.1:${port}/gateway`;

  const channel = (name = 'general'): string => {
    const id = channelIds.get(name);
    if (id === undefined)
      throw new Error(`Discord stand-in: no channel "${name}" (have ${[...channelIds.keys()].join(', ')})`);
    return id;
  };
  const user = (name = 'alice'): DiscordUserPayload => {
    let found = users.get(name);
    if (found === undefined) {
      found = userPayload(snowflake(), name);
      users.set(name, found);
      state.members.set(found.id, { user: found, roles: [] });
    }
    return found;
  };
  const role = (name: string): string => {
    const found = [...state.roles].find(([, roleName]) => roleName === name);
    if (found === undefined)
      throw new Error(`Discord stand-in: no role "${name}" (have ${[...state.roles.values()].join(', ')})`);
    return found[0];
  };
  const where = (
    as: ActAs | undefined,
  ): { user: DiscordUserPayload; channelId: string; guildId: string | undefined } => {
    const actor = user(as?.user);
    if (as?.direct === true)
      return { user: actor, channelId: state.directChannel(actor.id, actor).id, guildId: undefined };
    return { user: actor, channelId: channel(as?.channel), guildId: state.guildId };
  };

  const dispatchInteraction = (
    kind: InteractionRecord['kind'],
    name: string,
    data: Record<string, unknown>,
    as: ActAs | undefined,
  ): InteractionHandle => {
    const at = where(as);
    const id = snowflake();
    const record: InteractionRecord = {
      id,
      token: `itoken-${id}`,
      kind,
      name,
      channelId: at.channelId,
      guildId: at.guildId,
      user: at.user,
      createdAt: Date.now(),
      callbacks: [],
      original: undefined,
      followUps: [],
      modal: undefined,
      deferred: false,
      ephemeral: false,
    };
    state.interactions.set(id, record);
    registerSecret(record.token, 'Discord interaction token');
    const direct = at.guildId === undefined;
    state.dispatch('INTERACTION_CREATE', {
      id,
      application_id: state.applicationId,
      type: kind === 'command' ? 2 : 5,
      token: record.token,
      version: 1,
      channel_id: at.channelId,
      channel: direct
        ? { id: at.channelId, type: 1, recipients: [at.user] }
        : { id: at.channelId, type: 0, guild_id: at.guildId, name: 'channel' },
      ...(direct
        ? { user: at.user }
        : {
            guild_id: at.guildId,
            member: memberPayload(at.user, state.members.get(at.user.id)?.roles),
            guild: { id: at.guildId, locale: 'en-US', features: [] },
          }),
      app_permissions: '0',
      locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: direct ? { '1': at.user.id } : { '0': at.guildId },
      context: direct ? 1 : 0,
      data,
    });
    const response = (): Promise<InteractionResponse> =>
      state.until(() => {
        if (record.modal !== undefined)
          return { kind: 'modal' as const, deferred: false, ephemeral: false, message: undefined, modal: record.modal };
        if (record.original === undefined) return undefined;
        return {
          kind: 'message' as const,
          deferred: record.deferred,
          ephemeral: record.ephemeral,
          message: record.original,
          modal: undefined,
        };
      }, `the response to interaction /${name}`);
    return { id, record, response };
  };

  return {
    url: `http://127.0.0.1:${port}/api`,
    gatewayUrl: state.gatewayUrl,
    token,
    applicationId: state.applicationId,
    guildId: state.guildId,
    bot,
    state,
    channel,
    user,
    role,
    grantRoles(userName, roleNames) {
      const entry = state.members.get(user(userName).id);
      if (entry !== undefined) entry.roles = roleNames.map(role);
    },
    connected: () =>
      state
        .until(
          () => (gateway.connected() ? true : undefined),
          'a bot on the gateway (did it call client.login with the stand-in token and rest.api?)',
        )
        .then(() => undefined),
    slash(name, values = {}, as) {
      const registered = [...state.globalCommands, ...(state.guildCommands.get(state.guildId) ?? [])].find(
        (c) => c['name'] === name,
      );
      const types = new Map(
        ((registered?.['options'] ?? []) as { name: string; type: number }[]).map((o) => [o.name, o.type]),
      );
      const inferred = (v: string | number | boolean): number =>
        typeof v === 'boolean' ? 5 : typeof v === 'number' ? (Number.isInteger(v) ? 4 : 10) : 3;
      const options = Object.entries(values).map(([optionName, value]) => ({
        name: optionName,
        type: types.get(optionName) ?? inferred(value),
        value,
      }));
      return dispatchInteraction(
        'command',
        name,
        { id: String(registered?.['id'] ?? snowflake()), name, type: 1, ...(options.length > 0 ? { options } : {}) },
        as,
      );
    },
    async submitModal(from, values, as) {
      const response = await from.response();
      if (response.modal === undefined)
        throw new Error(`Discord stand-in: interaction /${from.record.name} got no modal to submit`);
      const customId = String(response.modal['custom_id']);
      const rows = (response.modal['components'] ?? []) as {
        type: number;
        component?: { custom_id: string };
        components?: { custom_id: string }[];
      }[];
      const components = rows.map((row) => {
        if (row.type === 18 && row.component !== undefined)
          return {
            type: 18,
            id: 0,
            component: {
              type: 4,
              id: 0,
              custom_id: row.component.custom_id,
              value: values[row.component.custom_id] ?? '',
            },
          };
        return {
          type: 1,
          id: 0,
          components: (row.components ?? []).map((c) => ({
            type: 4,
            id: 0,
            custom_id: c.custom_id,
            value: values[c.custom_id] ?? '',
          })),
        };
      });
      return dispatchInteraction(
        'modal-submit',
        customId,
        { custom_id: customId, components },
        as ?? { user: from.record.user.username, direct: from.record.guildId === undefined },
      );
    },
    say(content, as) {
      const at = where(as);
      const mentioned = [...content.matchAll(/<@!?(\d+)>/g)].map((m) => m[1]);
      const message: MessagePayload = {
        id: snowflake(),
        channel_id: at.channelId,
        ...(at.guildId === undefined
          ? {}
          : { guild_id: at.guildId, member: memberPayload(at.user, state.members.get(at.user.id)?.roles) }),
        author: at.user,
        content,
        embeds: [],
        attachments: [],
        timestamp: new Date().toISOString(),
        edited_timestamp: null,
        tts: false,
        mention_everyone: false,
        mentions: mentioned.includes(bot.id) ? [bot] : [],
        mention_roles: [],
        pinned: false,
        type: 0,
        flags: 0,
        components: [],
      };
      state.messages.set(message.id, message);
      state.dispatchMessage(message);
      return message;
    },
    replyTo(messageId) {
      const asked = state.messages.get(messageId);
      return state.until(
        () =>
          state.botMessages.find(
            (r) =>
              r.message.message_reference?.message_id === messageId ||
              (asked !== undefined &&
                asked.guild_id === undefined &&
                r.message.channel_id === asked.channel_id &&
                BigInt(r.message.id) > BigInt(messageId)),
          ),
        `the bot's reply to message ${messageId}`,
      );
    },
    fault(fault) {
      state.faults.push({ ...fault });
    },
    dropConnection: (dropOptions) =>
      gateway.drop(dropOptions?.invalidateSession === true, dropOptions?.replayAgain ?? 0),
    requestReconnect: () => gateway.requestReconnect(),
    async stop() {
      await gateway.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
