/** Characters that open a quoted token, mapped to the character that closes it. */
const QUOTES: Readonly<Record<string, string>> = { '"': '"', "'": "'", '“': '”', '„': '“', '‘': '’', '«': '»' };

const NEEDS_SLOW_PATH = /["'“„‘«\\]/;
const WHITESPACE = /\s+/;

/** One token and where it starts in the input (to take "the rest of the line"). */
export interface Token {
  readonly value: string;
  readonly start: number;
}

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === '\f' || ch === '\v' || ch === '\u00a0';
}

/**
 * Splits a command line into tokens. Whitespace separates tokens; `"…"`, `'…'` and typographic
 * quotes (“…”, „…“, ‘…’, «…») group words; a backslash escapes the next character. An unclosed
 * quote runs to the end of the line. Never throws.
 *
 * @example
 * tokenize('silence "disk full" 2h') // → ['silence', 'disk full', '2h']
 */
export function tokenize(input: string): string[] {
  if (!NEEDS_SLOW_PATH.test(input)) {
    const trimmed = input.trim();
    return trimmed === '' ? [] : trimmed.split(WHITESPACE);
  }
  return tokenizeWithPositions(input).map((t) => t.value);
}

/** Like {@link tokenize}, with the start offset of each token. */
export function tokenizeWithPositions(input: string): Token[] {
  if (!NEEDS_SLOW_PATH.test(input)) return splitWithPositions(input);
  const tokens: Token[] = [];
  let current = '';
  let start = -1;
  let inToken = false;
  let closing: string | undefined;
  for (let i = 0; i < input.length; i++) {
    const ch = input[i] as string;
    if (ch === '\\' && i + 1 < input.length) {
      if (!inToken) {
        inToken = true;
        start = i;
      }
      current += input[++i];
      continue;
    }
    if (closing !== undefined) {
      if (ch === closing) closing = undefined;
      else current += ch;
      continue;
    }
    const close = QUOTES[ch];
    if (close !== undefined) {
      if (!inToken) {
        inToken = true;
        start = i;
      }
      closing = close;
      continue;
    }
    if (isSpace(ch)) {
      if (inToken) {
        tokens.push({ value: current, start });
        current = '';
        inToken = false;
      }
      continue;
    }
    if (!inToken) {
      inToken = true;
      start = i;
    }
    current += ch;
  }
  if (inToken) tokens.push({ value: current, start });
  return tokens;
}

/** Whitespace-separated words with their offsets: the common case, no quotes or escapes. */
function splitWithPositions(input: string): Token[] {
  const tokens: Token[] = [];
  let start = -1;
  for (let i = 0; i <= input.length; i++) {
    const space = i === input.length || isSpace(input[i] as string);
    if (space) {
      if (start >= 0) {
        tokens.push({ value: input.slice(start, i), start });
        start = -1;
      }
    } else if (start < 0) start = i;
  }
  return tokens;
}

/** Quotes a value so that {@link tokenize} gives it back as one token. */
export function quoteToken(value: string): string {
  if (value !== '' && !/[\s"'“”„‘’«»\\]/.test(value)) return value;
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
