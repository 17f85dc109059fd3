/** What a scrubbed credential is replaced with. */
export const SCRUBBED = '[redacted]';

/**
 * Patterns of credentials that travel inside text: URLs with a user:password, query parameters
 * that carry a token, the Telegram bot token in Bot API paths, Discord webhook and interaction
 * tokens in paths, and `Bearer`/`Basic` header values.
 */
const PATTERNS: readonly (readonly [RegExp, string])[] = [
  // scheme://user:password@host, up to the authority's last `@` (an unencoded `@` in the
  // password belongs to it, as URL parsers read it)
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@:]*:[^\s/?#]*@/gi, `$1${SCRUBBED}@`],
  // ?access_token=…, &token=…, &password=…, &api_key=…, &secret=…, &sig=…
  [
    /([?&;](?:access_token|refresh_token|id_token|token|secret|client_secret|password|passwd|api_key|apikey|key|sig|signature|auth)=)[^&\s#"'<>]*/gi,
    `$1${SCRUBBED}`,
  ],
  // Telegram Bot API: /bot<token>/method and /file/bot<token>/path
  [/(\/bot)\d+:[^/\s?#"'<>]+/g, `$1${SCRUBBED}`],
  // A bare Telegram bot token (digits, colon, 30+ base64url characters)
  [/\b\d{5,}:[A-Za-z0-9_-]{30,}\b/g, SCRUBBED],
  // Discord: /webhooks/<id>/<token> and /interactions/<id>/<token>
  [/(\/(?:webhooks|interactions)\/\d+\/)[^/\s?#"'<>]+/g, `$1${SCRUBBED}`],
  // Authorization header values written out
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, `$1 ${SCRUBBED}`],
  // Discord's `Bot <token>` (tokens have dots, so prose such as "Bot started" is left alone)
  [/\bBot\s+[A-Za-z0-9_-]{10,}\.[A-Za-z0-9._-]+/g, `Bot ${SCRUBBED}`],
];

/**
 * Removes credentials that travel inside text (URLs with `user:pass@`, `?access_token=`,
 * Telegram's `/bot<token>/`, Discord webhook tokens, `Bearer …`) from a log message.
 * Redaction by key cannot see these: the error serializer runs every message and stack through it.
 *
 * @example
 * scrubSecrets('GET https://api.telegram.org/bot123:abc/getMe'); // 'GET https://api.telegram.org/bot[redacted]/getMe'
 */
export function scrubSecrets(text: string): string {
  let out = text;
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
