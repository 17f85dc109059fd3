/** After a bare display name: the `Name:` / `Name,` a client's mention inserts. */
const AFTER_BARE_NAME = /^[:,]\s*/;
/** After a name given with its separator (`Stats:`): anything. */
const AFTER_SEPARATED_NAME = /^\s*/;
/** After an id (`@stats:hs`, `<@123>`): a space, a separator and a space, or the end. */
const AFTER_ID = /^[:,]?\s+|^[:,]?$/;
/** After any name when the platform marked the message as mentioning the bot (a pill). */
const AFTER_EXPLICIT = /^(?:[:,]\s*|\s+|$)/;

/**
 * One code point without case, as full case folding does (`ß` → `ss`, final `ς` → `σ`), with
 * Turkish dotted and dotless I both folding to `i`, so `İSTATİSTİK` addresses `İstatistik`.
 */
function fold(codePoint: string): string {
  return codePoint === 'İ' ? 'i' : codePoint.toUpperCase().toLowerCase();
}

/** A bot's few names, folded once rather than on every message (bounded: names are the adapters'). */
const foldedNames = new Map<string, string>();
const FOLDED_NAMES_KEPT = 64;

/**
 * Where a case-insensitive `name` ends at the start of `text` (an index into `text`), or
 * `undefined` when `text` does not start with it. Compared code point by code point after case
 * folding, so a letter whose lower case is longer (`İ`) never shifts the cut, and no pattern is
 * built from the name (a display name may hold any character).
 */
function endOfLeadingName(text: string, name: string): number | undefined {
  let wanted = foldedNames.get(name);
  if (wanted === undefined) {
    if (foldedNames.size >= FOLDED_NAMES_KEPT) foldedNames.clear();
    wanted = [...name].map(fold).join('');
    foldedNames.set(name, wanted);
  }
  let seen = '';
  let index = 0;
  for (const codePoint of text) {
    if (seen.length >= wanted.length) break;
    seen += fold(codePoint);
    index += codePoint.length;
    if (!wanted.startsWith(seen)) return undefined;
  }
  return seen === wanted ? index : undefined;
}

/** An id names one account (`@stats:hs`, `@stats_bot`, `<@123>`); anything else is a display name. */
function isId(name: string): boolean {
  return name.startsWith('@') || name.startsWith('<');
}

/**
 * The one parser of a leading mention of the bot: the text after one of `names` at its start
 * (case-insensitive), or `undefined` when none leads. An id (`@stats:hs`, `<@123>`) may be
 * followed by a space; a display name needs the `Name:` / `Name,` a client's mention inserts
 * (given with or without it), so "stats are up" stays chatter. With `explicit` (the platform
 * itself marked the message as mentioning the bot, e.g. a Matrix pill that renders as
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
  for (const name of names) {
    const n = name?.trim();
    if (n === undefined || n === '') continue;
    const end = endOfLeadingName(trimmed, n);
    if (end === undefined) continue;
    const rest = trimmed.slice(end);
    const after = explicit
      ? AFTER_EXPLICIT
      : /[:,]$/.test(n)
        ? AFTER_SEPARATED_NAME
        : isId(n)
          ? AFTER_ID
          : AFTER_BARE_NAME;
    const sep = after.exec(rest);
    if (sep) return rest.slice(sep[0].length);
  }
  return undefined;
}
