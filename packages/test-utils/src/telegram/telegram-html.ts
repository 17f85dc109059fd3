/**
 * A parser for Telegram's `parse_mode: "HTML"`, strict the way the Bot API server is: only
 * Telegram's tag set, a stray `<` is an error, unclosed or crossed tags are errors. It returns
 * the plain text and the entities, with offsets in UTF-16 code units like the real server.
 */

/** A Bot API `MessageEntity`. */
export interface TelegramEntity {
  readonly type: string;
  readonly offset: number;
  readonly length: number;
  readonly url?: string;
  readonly language?: string;
}

/** The result of parsing: what the user sees and its formatting. */
export interface ParsedText {
  readonly text: string;
  readonly entities: TelegramEntity[];
}

/** Thrown for markup Telegram refuses; the message is the server's description after `can't parse entities: `. */
export class EntityParseError extends Error {
  override readonly name = 'EntityParseError';
}

const SIMPLE: Readonly<Record<string, string>> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  a: 'text_link',
  span: 'spoiler',
  'tg-emoji': 'custom_emoji',
  'tg-time': 'date_time',
};

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface Open {
  readonly tag: string;
  readonly type: string;
  readonly start: number;
  readonly attributes: Readonly<Record<string, string>>;
}

function decodeEntity(source: string, at: number): { text: string; next: number } {
  const semicolon = source.indexOf(';', at);
  const body = semicolon === -1 ? '' : source.slice(at + 1, semicolon);
  if (semicolon !== -1 && /^#\d{1,7}$/.test(body)) {
    const code = Number(body.slice(1));
    if (code <= 0x10ffff) return { text: String.fromCodePoint(code), next: semicolon + 1 };
  }
  if (semicolon !== -1 && /^#x[0-9a-f]{1,6}$/i.test(body)) {
    const code = Number.parseInt(body.slice(2), 16);
    if (code <= 0x10ffff) return { text: String.fromCodePoint(code), next: semicolon + 1 };
  }
  const named = NAMED[body.toLowerCase()];
  if (semicolon !== -1 && named !== undefined) return { text: named, next: semicolon + 1 };
  // `&lt` without `;` is decoded too.
  for (const [name, value] of Object.entries(NAMED)) {
    if (source.slice(at + 1, at + 1 + name.length).toLowerCase() === name)
      return { text: value, next: at + 1 + name.length };
  }
  return { text: '&', next: at + 1 };
}

function readAttributes(source: string, at: number, tag: string): { attributes: Record<string, string>; next: number } {
  const attributes: Record<string, string> = {};
  let i = at;
  for (;;) {
    while (i < source.length && /\s/.test(source[i] ?? '')) i++;
    if (i >= source.length) throw new EntityParseError(`Unclosed start tag at byte offset ${at}`);
    if (source[i] === '>') return { attributes, next: i + 1 };
    const nameMatch = /^[A-Za-z_:-][\w:.-]*/.exec(source.slice(i));
    if (!nameMatch) throw new EntityParseError(`Unexpected character in start tag "${tag}" at byte offset ${i}`);
    const name = nameMatch[0].toLowerCase();
    i += nameMatch[0].length;
    while (/\s/.test(source[i] ?? '')) i++;
    if (source[i] !== '=') {
      if (tag === 'blockquote' && name === 'expandable') {
        attributes[name] = '';
        continue;
      }
      throw new EntityParseError(`Expected equal sign in declaration of an attribute of the tag "${tag}"`);
    }
    i++;
    while (/\s/.test(source[i] ?? '')) i++;
    const quote = source[i];
    let raw: string;
    if (quote === '"' || quote === "'") {
      const end = source.indexOf(quote, i + 1);
      if (end === -1) throw new EntityParseError(`Unclosed end of attribute value of the tag "${tag}"`);
      raw = source.slice(i + 1, end);
      i = end + 1;
    } else {
      const match = /^[^\s>]+/.exec(source.slice(i));
      raw = match?.[0] ?? '';
      i += raw.length;
    }
    let value = '';
    for (let k = 0; k < raw.length;) {
      if (raw[k] === '&') {
        const decoded = decodeEntity(raw, k);
        value += decoded.text;
        k = decoded.next;
      } else {
        value += raw[k];
        k++;
      }
    }
    attributes[name] = value;
  }
}

function toEntity(open: Open, end: number, inner: string, parent: Open | undefined): TelegramEntity | undefined {
  const length = end - open.start;
  if (length === 0) return undefined;
  const base = { type: open.type, offset: open.start, length };
  if (open.tag === 'a') {
    const href = open.attributes['href'] ?? inner;
    return { ...base, url: href };
  }
  if (open.tag === 'code' && parent?.tag === 'pre') {
    const language = /^language-(.+)$/.exec(open.attributes['class'] ?? '')?.[1];
    return language === undefined ? undefined : { type: 'pre', offset: open.start, length, language };
  }
  if (open.tag === 'blockquote' && open.attributes['expandable'] !== undefined)
    return { ...base, type: 'expandable_blockquote' };
  return base;
}

/**
 * Parses Telegram HTML the way the Bot API server does for `parse_mode: "HTML"`.
 *
 * @throws EntityParseError for an unsupported tag, a stray `<`, a bad attribute or an unclosed tag.
 */
export function parseTelegramHtml(source: string): ParsedText {
  let text = '';
  const entities: TelegramEntity[] = [];
  const stack: Open[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] ?? '';
    if (char === '&') {
      const decoded = decodeEntity(source, i);
      text += decoded.text;
      i = decoded.next;
      continue;
    }
    if (char !== '<') {
      text += char;
      i++;
      continue;
    }
    if (source[i + 1] === '/') {
      const end = source.indexOf('>', i);
      if (end === -1) throw new EntityParseError(`Unclosed end tag at byte offset ${i}`);
      const name = source
        .slice(i + 2, end)
        .trim()
        .toLowerCase();
      const open = stack.pop();
      if (open === undefined) throw new EntityParseError(`Unexpected end tag at byte offset ${i}`);
      if (name !== '' && name !== open.tag) {
        throw new EntityParseError(
          `Unmatched end tag at byte offset ${i}, expected "</${open.tag}>", found "</${name}>"`,
        );
      }
      const entity = toEntity(open, text.length, text.slice(open.start), stack.at(-1));
      // `<pre><code class="language-x">` is one pre entity with a language, as Telegram makes it.
      const coded =
        open.tag === 'pre' &&
        entities.some(
          (e) =>
            e.type === 'pre' &&
            e.language !== undefined &&
            e.offset === open.start &&
            e.length === text.length - open.start,
        );
      if (entity && !coded) entities.push(entity);
      i = end + 1;
      continue;
    }
    const nameMatch = /^[A-Za-z][A-Za-z0-9-]*/.exec(source.slice(i + 1));
    if (!nameMatch)
      throw new EntityParseError(`Unexpected character at byte offset ${i}: a "<" must be escaped as &lt;`);
    const tag = nameMatch[0].toLowerCase();
    const type = SIMPLE[tag];
    if (type === undefined) throw new EntityParseError(`Unsupported start tag "${tag}" at byte offset ${i}`);
    const { attributes, next } = readAttributes(source, i + 1 + nameMatch[0].length, tag);
    if (tag === 'span' && attributes['class'] !== 'tg-spoiler') {
      throw new EntityParseError(`Tag "span" must have class "tg-spoiler" at byte offset ${i}`);
    }
    const parent = stack.at(-1);
    if (parent && (parent.tag === 'code' || (parent.tag === 'pre' && tag !== 'code'))) {
      throw new EntityParseError(`Tag "${tag}" can't be nested inside "${parent.tag}" at byte offset ${i}`);
    }
    if (tag === 'blockquote' && stack.some((open) => open.tag === 'blockquote')) {
      throw new EntityParseError(`Blockquotes can't be nested at byte offset ${i}`);
    }
    if (tag === 'a' && stack.some((open) => open.tag === 'a')) {
      throw new EntityParseError(`Links can't be nested at byte offset ${i}`);
    }
    stack.push({ tag, type, start: text.length, attributes });
    i = next;
  }
  const unclosed = stack.at(-1);
  if (unclosed) throw new EntityParseError(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

/** Adds the `bot_command` entity Telegram puts on a message starting with `/command`. */
export function commandEntities(text: string): TelegramEntity[] {
  const match = /^\/[A-Za-z0-9_]{1,32}(@[A-Za-z0-9_]{3,64})?/.exec(text);
  return match ? [{ type: 'bot_command', offset: 0, length: match[0].length }] : [];
}
