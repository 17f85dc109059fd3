/**
 * Escaping and sanitising of document strings. Every string in a document is data: renderers
 * first {@link sanitizeText} it, then escape it for their target with {@link escapeHtml} or
 * {@link escapeMarkdown}.
 */

/** ANSI escape sequences: CSI (ESC [ or U+009B), OSC (ESC ] … BEL/ST) and two-byte ESC forms. */
const ANSI = /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]/g;

/**
 * Everything {@link sanitizeText} removes after ANSI sequences: C0 controls but `\t` and `\n`,
 * DEL and C1 controls, bidi embeddings/overrides/isolates, zero-width space/non-joiner, word
 * joiner, byte-order mark; lone surrogates become U+FFFD in a second step.
 */
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b\u200c\u202a-\u202e\u2060\u2066-\u2069\ufeff]/g;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** True when `code` (a UTF-16 unit) can never need sanitising. */
function isSafeUnit(code: number): boolean {
  if (code >= 0x20 && code < 0x7f) return true;
  if (code === 0x0a || code === 0x09) return true;
  if (code < 0xa0) return false;
  // Above U+00A0 only a few ranges need work; check them cheaply.
  if (code >= 0x200b && code <= 0x206f)
    return (
      code === 0x200d ||
      (code > 0x200d && code < 0x202a) ||
      (code > 0x202e && code < 0x2060) ||
      (code > 0x2060 && code < 0x2066) ||
      code > 0x2069
    );
  if (code >= 0xd800 && code <= 0xdfff) return false;
  return code !== 0xfeff;
}

/**
 * Removes what must never reach a chat: C0/C1 control characters except `\n` and `\t`, ANSI
 * escape sequences, bidi overrides/isolates (U+202A–U+202E, U+2066–U+2069) and zero-width
 * characters (U+200B, U+200C, U+2060, U+FEFF). U+200D (zero-width joiner) stays so emoji
 * sequences survive; lone surrogates become U+FFFD. A string that needs nothing is returned
 * as is after one pass over its characters (no regular expression).
 *
 * @example
 * sanitizeText('\u001b[31mred\u001b[0m\u202e') // 'red'
 */
export function sanitizeText(text: string): string {
  let i = 0;
  const n = text.length;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x7f) continue;
    if (!isSafeUnit(c)) break;
  }
  if (i === n) return text;
  // Surrogate pairs are fine; only fall back to the slow path when something is unsafe.
  let slow = false;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (isSafeUnit(c)) continue;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    slow = true;
    break;
  }
  if (!slow) return text;
  return text.replace(ANSI, '').replace(UNSAFE, '').replace(LONE_SURROGATE, '\ufffd');
}

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes `& < > " '` as HTML entities, so the result is safe in element content and in a
 * double- or single-quoted attribute value. Does not sanitise: call {@link sanitizeText} first.
 *
 * @example
 * escapeHtml('<b>"x"</b>') // '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 */
export function escapeHtml(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x26 || c === 0x3c || c === 0x3e || c === 0x22 || c === 0x27) {
      return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
    }
  }
  return text;
}

/**
 * Escapes Discord/CommonMark markdown: a backslash before `\ * _ ~ \` | [ ]` anywhere, and
 * before `> # -`, `+` and `1.` where they would start a quote, heading or list at the start of
 * a line. Brackets are always escaped, so `(` `)` can no longer form a link. Does not sanitise
 * and does not neutralise mentions (see {@link neutralizeMentions}).
 *
 * @example
 * escapeMarkdown('**x** [y](javascript:z)') // '\\*\\*x\\*\\* \\[y\\](javascript:z)'
 */
export function escapeMarkdown(text: string): string {
  return escapeLineStarts(text.replace(/[\\*_~`|[\]]/g, '\\$&'));
}

/**
 * Escapes only what would start a quote, heading or list at the start of a line (`> # - +`,
 * `1.`); idempotent, so it can run again over text joined from escaped pieces.
 */
export function escapeLineStarts(text: string): string {
  return text.replace(/^([ \t]*)([>#+-])/gm, '$1\\$2').replace(/^([ \t]*\d+)([.)])/gm, '$1\\$2');
}

/**
 * Makes Discord mentions inert by putting a zero-width space after `@` or `<`: `@everyone`,
 * `@here`, `<@id>`, `<@!id>`, `<@&id>`, `<#id>`. Adapters also send `allowed_mentions:
 * { parse: [] }`; this keeps the text from even looking like a ping.
 */
export function neutralizeMentions(text: string): string {
  if (text.indexOf('@') < 0 && text.indexOf('<#') < 0) return text;
  return text.replace(/@(everyone|here)/gi, '@\u200b$1').replace(/<(@[!&]?|#)(?=\d)/g, '<\u200b$1');
}

const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * The normalised URL when `href` is an absolute `http:`, `https:` or `mailto:` URL, else
 * `undefined` (then a renderer shows the link as text). `javascript:`, `data:`, relative and
 * unparsable hrefs are refused.
 *
 * @example
 * safeHref('https://example.org/a b') // 'https://example.org/a%20b'
 * safeHref('javascript:alert(1)')     // undefined
 */
export function safeHref(href: string): string | undefined {
  const clean = sanitizeText(href).trim();
  if (clean.length === 0 || clean.length > 8192) return undefined;
  let url: URL;
  try {
    url = new URL(clean);
  } catch {
    return undefined;
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : undefined;
}
