import type { AdapterContext } from '@stats/core';
import type { APIInteractionGuildMember, Client, GuildMember, User } from 'discord.js';

/**
 * Who may use the bot on Discord. In a guild: the guild must be in `guilds` (when set) and the
 * member must hold one of `roles` (when set). In a DM: the user must be a member of an allowed
 * guild (any guild the bot is in, when only `roles` is set) with an allowed role. With neither
 * list set, everyone may.
 */
export interface DiscordAllowList {
  /** `DISCORD_ALLOWED_GUILDS`: guild ids the bot answers in; other guilds are ignored. */
  readonly guilds?: readonly string[] | undefined;
  /** `DISCORD_ALLOWED_ROLES`: role ids whose members may use the bot. */
  readonly roles?: readonly string[] | undefined;
}

/** Where a message or interaction came from, as the allow-list needs it. */
export interface DiscordOrigin {
  readonly guildId: string | null;
  readonly user: User;
  /** The member in that guild (absent in DMs). */
  readonly member: GuildMember | APIInteractionGuildMember | null;
}

const some = (list: readonly string[] | undefined): list is readonly string[] => list !== undefined && list.length > 0;

/** The role ids of a member, whether discord.js built a `GuildMember` or kept the raw API object. */
function roleIds(member: GuildMember | APIInteractionGuildMember): readonly string[] {
  return Array.isArray(member.roles) ? member.roles : [...(member as GuildMember).roles.cache.keys()];
}

/** A DM is allowed when the user holds an allowed role (or, without roles, is a member) in an allowed guild. */
async function memberOfAllowedGuild(list: DiscordAllowList, client: Client, userId: string): Promise<boolean> {
  const guilds = some(list.guilds) ? list.guilds : [...client.guilds.cache.keys()];
  for (const id of guilds) {
    const guild = client.guilds.cache.get(id);
    if (guild === undefined) continue;
    const member = await guild.members.fetch(userId).catch(() => undefined);
    if (member === undefined) continue;
    if (!some(list.roles) || roleIds(member).some((role) => list.roles?.includes(role))) return true;
  }
  return false;
}

/** How long a DM sender's membership answer is reused, ms: a flood of DMs makes one lookup a minute. */
const DIRECT_TTL_MS = 60_000;
/** The most DM senders remembered; beyond it the memory starts over. */
const DIRECT_MAX = 10_000;

/** The gate at the adapter's intake; see {@link discordAllowList}. */
export interface DiscordGate {
  allows(origin: DiscordOrigin, client: Client, context: AdapterContext): Promise<boolean>;
}

/**
 * The gate at the adapter's intake. `allows` answers whether a message or interaction may reach
 * the bot; when not, it is counted in `stats_messages_dropped_total{platform="discord",
 * reason="not_allowed"}` and logged at debug with ids only (never the content). A DM sender's
 * membership is looked up once a minute at most.
 */
export function discordAllowList(list: DiscordAllowList | undefined, now: () => number = Date.now): DiscordGate {
  const restricted = some(list?.guilds) || some(list?.roles);
  // Single-flight: concurrent DMs of one sender share the lookup in progress.
  const direct = new Map<string, { ok: Promise<boolean>; until: number }>();
  const directAllowed = (client: Client, userId: string): Promise<boolean> => {
    const known = direct.get(userId);
    if (known !== undefined && known.until > now()) return known.ok;
    const ok =
      list === undefined ? Promise.resolve(false) : memberOfAllowedGuild(list, client, userId).catch(() => false);
    if (direct.size >= DIRECT_MAX) direct.clear();
    direct.set(userId, { ok, until: now() + DIRECT_TTL_MS });
    return ok;
  };
  return {
    async allows(origin, client, context) {
      if (!restricted || list === undefined) return true;
      let ok: boolean;
      if (origin.guildId === null) ok = await directAllowed(client, origin.user.id);
      else {
        const guildOk = !some(list.guilds) || list.guilds.includes(origin.guildId);
        const member = origin.member;
        ok =
          guildOk &&
          (!some(list.roles) || (member !== null && roleIds(member).some((role) => list.roles?.includes(role))));
      }
      if (!ok) {
        context.metrics.messagesDropped.inc({ platform: 'discord', reason: 'not_allowed' });
        context.logger.debug(
          { guild: origin.guildId, user: origin.user.id },
          'discord: ignoring a message from outside DISCORD_ALLOWED_GUILDS/ROLES',
        );
      }
      return ok;
    },
  };
}
