import { stripLeadingMention } from '@stats/core/adapter';

/** The bot's names, as found at start-up. */
export interface BotIdentity {
  /** `@stats:example.org` */
  readonly userId: string;
  /** The profile's display name, when set. */
  readonly displayName: string | undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** The `content` of an event (an empty object when absent or redacted). */
export function contentOf(event: Record<string, unknown>): Record<string, unknown> {
  return record(event['content']) ?? {};
}

/**
 * Removes a rich-reply fallback (`> <@user> quoted…` lines and the blank line after them) from
 * the start of a body. Spec v1.13 dropped the fallback, but older clients still send it, and a
 * quoted `!command` must not run again.
 */
export function stripReplyFallback(body: string): string {
  const lines = body.split('\n');
  let i = 0;
  while (i < lines.length && (lines[i]?.startsWith('> ') || lines[i] === '>')) i += 1;
  if (i === 0) return body;
  if (lines[i] === '') i += 1;
  return lines.slice(i).join('\n');
}

/** True when the event itself says it mentions the bot: `m.mentions` (Element) or a `matrix.to` pill. */
function explicitMention(content: Record<string, unknown>, bot: BotIdentity): boolean {
  const userIds = record(content['m.mentions'])?.['user_ids'];
  if (Array.isArray(userIds) && userIds.includes(bot.userId)) return true;
  const html = content['formatted_body'];
  if (typeof html !== 'string') return false;
  return html.replace(/%40/gi, '@').replace(/%3A/gi, ':').includes(`matrix.to/#/${bot.userId}`);
}

/**
 * True when a message addresses the bot: `m.mentions.user_ids` holds it (Element), a
 * `matrix.to` link to it is in `formatted_body` (a pill), its user id appears in the body, or
 * the body starts with its display name and a colon or comma (`Stats: today`). A body that
 * merely starts with the name (`stats are up`) does not count.
 */
export function mentionsBot(content: Record<string, unknown>, text: string, bot: BotIdentity): boolean {
  if (explicitMention(content, bot) || text.includes(bot.userId)) return true;
  const name = bot.displayName?.trim();
  // The core's one mention parser: the name with a separator, case-folded, matched literally.
  return name !== undefined && name !== '' && stripLeadingMention(text, [`${name}:`, `${name},`]) !== undefined;
}

/**
 * The text with a leading mention of the bot removed when the event explicitly mentions it
 * (a pill renders as `Stats ping` in the body, with no separator the router could rely on);
 * the core's {@link stripLeadingMention} parses it.
 */
export function withoutLeadingMention(content: Record<string, unknown>, text: string, bot: BotIdentity): string {
  if (!explicitMention(content, bot)) return text;
  return stripLeadingMention(text, [bot.userId, bot.displayName], true) ?? text;
}

/** The id of the event a message replies to, if it is a reply. */
export function inReplyTo(content: Record<string, unknown>): string | undefined {
  const id = record(record(content['m.relates_to'])?.['m.in_reply_to'])?.['event_id'];
  return typeof id === 'string' ? id : undefined;
}

/**
 * When an event was sent, by the receiving homeserver's clock: `now - unsigned.age` when the
 * server gave an age (no trust in the sender's clock needed), else `origin_server_ts`.
 */
export function sentAt(event: Record<string, unknown>, now: number): number {
  const age = record(event['unsigned'])?.['age'];
  if (typeof age === 'number' && Number.isFinite(age) && age >= 0) return now - age;
  const ts = event['origin_server_ts'];
  return typeof ts === 'number' ? ts : now;
}

/** The text a user typed, if the event is a message the bot should read (`m.text` / `m.emote`). */
export function commandText(event: Record<string, unknown>): string | undefined {
  if (event['type'] !== 'm.room.message') return undefined;
  const content = contentOf(event);
  const msgtype = content['msgtype'];
  // Notices are what bots send: never answering them keeps two bots from talking in a loop.
  if (msgtype !== 'm.text' && msgtype !== 'm.emote') return undefined;
  const body = content['body'];
  if (typeof body !== 'string') return undefined;
  return inReplyTo(content) === undefined ? body : stripReplyFallback(body);
}
