/** A display name: words only, no id syntax (`@`, `<`, `:`). */
const BARE_NAME = /^[\p{L}\p{N}\p{M} _.'-]+$/u;
/** After a bare display name: the `Name:` / `Name,` a client's mention inserts. */
const AFTER_BARE_NAME = /^[:,]\s*/;
/** After a name given with its separator (`Stats:`): anything. */
const AFTER_SEPARATED_NAME = /^\s*/;
/** After an id (`@stats:hs`, `<@123>`): a space, a separator and a space, or the end. */
const AFTER_ID = /^[:,]?\s+|^[:,]?$/;
/** After any name when the platform marked the message as mentioning the bot (a pill). */
const AFTER_EXPLICIT = /^(?:[:,]\s*|\s+|$)/;

/**
 * The one parser of a leading mention of the bot: the text after one of `names` at its start
 * (case-insensitive), or `undefined` when none leads. An id (`@stats:hs`, `<@123>`) may be
 * followed by a space; a bare display name needs the `Name:` / `Name,` a client's mention
 * inserts (given with or without it), so "stats are up" stays chatter. With `explicit` (the
 * platform itself marked the message as mentioning the bot, e.g. a Matrix pill that renders as
 * `Stats ping`), any name may be followed by a space.
 *
 * @example
 * stripLeadingMention('@stats:hs: today', ['@stats:hs']); // 'today'
 * stripLeadingMention('stats are up', ['Stats']); // undefined
 */
export function stripLeadingMention(
  text: string,
  names: readonly (string | undefined)[],
  explicit = false,
): string | undefined {
  const trimmed = text.trimStart();
  const lower = trimmed.toLowerCase();
  for (const name of names) {
    const n = name?.trim().toLowerCase();
    if (n === undefined || n === '' || !lower.startsWith(n)) continue;
    const rest = trimmed.slice(n.length);
    const after = explicit
      ? AFTER_EXPLICIT
      : BARE_NAME.test(n)
        ? AFTER_BARE_NAME
        : /[:,]$/.test(n)
          ? AFTER_SEPARATED_NAME
          : AFTER_ID;
    const sep = after.exec(rest);
    if (sep) return rest.slice(sep[0].length);
  }
  return undefined;
}
