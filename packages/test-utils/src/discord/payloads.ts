/**
 * Discord API v10 payload shapes the stand-in produces, built to the fields discord.js 14
 * reads (see `shared/contracts/discord.md`). Plain objects: the stand-in serializes them.
 */

/** A Discord user as the API sends it. */
export interface DiscordUserPayload {
  readonly id: string;
  readonly username: string;
  readonly discriminator: '0';
  readonly global_name: string | null;
  readonly avatar: null;
  readonly bot?: boolean;
}

/** A channel the stand-in knows: a guild text channel (type 0) or a DM (type 1). */
export interface ChannelRecord {
  readonly id: string;
  readonly type: 0 | 1;
  readonly name?: string;
  readonly guild_id?: string;
  /** The other party of a DM. */
  readonly recipient?: DiscordUserPayload;
}

/** A message object as the API returns and the gateway dispatches it. */
export interface MessagePayload {
  readonly id: string;
  readonly channel_id: string;
  readonly guild_id?: string;
  readonly author: DiscordUserPayload;
  content: string;
  embeds: unknown[];
  attachments: { id: string; filename: string; size: number; content_type: string; url: string; proxy_url: string }[];
  readonly timestamp: string;
  edited_timestamp: string | null;
  readonly tts: false;
  mention_everyone: boolean;
  mentions: DiscordUserPayload[];
  mention_roles: string[];
  readonly pinned: false;
  readonly type: 0 | 19;
  readonly flags: number;
  readonly components: unknown[];
  readonly message_reference?: { message_id: string; channel_id: string; guild_id?: string };
}

const DISCORD_EPOCH = 1_420_070_400_000n;
let increment = 0n;

/** A fresh snowflake whose timestamp is now (discord.js derives `createdTimestamp` from it). */
export function snowflake(now: number = Date.now()): string {
  increment = (increment + 1n) & 0xfffn;
  return (((BigInt(now) - DISCORD_EPOCH) << 22n) | increment).toString();
}

/** A user payload. */
export function userPayload(id: string, username: string, bot = false): DiscordUserPayload {
  return { id, username, discriminator: '0', global_name: username, avatar: null, ...(bot ? { bot: true } : {}) };
}

/** The guild member wrapper of a user, as interactions and guild messages carry it. */
export function memberPayload(user: DiscordUserPayload, roles: readonly string[] = []): Record<string, unknown> {
  return {
    user,
    roles: [...roles],
    permissions: '0',
    joined_at: '2024-01-01T00:00:00.000Z',
    deaf: false,
    mute: false,
    flags: 0,
    nick: null,
  };
}

/** The full guild of a `GUILD_CREATE` dispatch. */
export function guildPayload(
  guildId: string,
  name: string,
  ownerId: string,
  channels: readonly ChannelRecord[],
  roles: ReadonlyMap<string, string> = new Map(),
): Record<string, unknown> {
  return {
    id: guildId,
    name,
    unavailable: false,
    owner_id: ownerId,
    icon: null,
    features: [],
    member_count: 2,
    large: false,
    joined_at: '2024-01-01T00:00:00.000Z',
    channels: channels.map((c) => ({
      id: c.id,
      type: 0,
      name: c.name,
      guild_id: guildId,
      position: 0,
      permission_overwrites: [],
    })),
    threads: [],
    roles: [
      {
        id: guildId,
        name: '@everyone',
        color: 0,
        hoist: false,
        position: 0,
        permissions: '0',
        managed: false,
        mentionable: false,
        flags: 0,
      },
      ...[...roles].map(([id, roleName], i) => ({
        id,
        name: roleName,
        color: 0,
        hoist: false,
        position: i + 1,
        permissions: '0',
        managed: false,
        mentionable: false,
        flags: 0,
      })),
    ],
    members: [],
    emojis: [],
    stickers: [],
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
  };
}
