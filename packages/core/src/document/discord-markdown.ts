import { escapeLineStarts, escapeMarkdown, neutralizeMentions, safeHref, sanitizeText } from './escape.js';
import { codeLanguage } from './html-inline.js';
import type { Block, InlineContent } from './model.js';
import { DIVIDER_LINE, listMarker, oneLine, plainTable } from './plain-text.js';

/** Sanitises, escapes markdown and neutralises mentions: a data string ready for Discord. */
export function markdownText(text: string): string {
  return neutralizeMentions(escapeMarkdown(sanitizeText(text)));
}

/** Text for inside a code span or fence: no two backticks in a row, mentions neutralised. */
function codeText(text: string): string {
  const clean = neutralizeMentions(sanitizeText(text));
  return clean.indexOf('``') < 0 ? clean : clean.replace(/`(?=`)/g, '`\u200b');
}

/** A fenced code block whose content can never close the fence. */
export function markdownFence(text: string, language?: string): string {
  const body = codeText(text);
  return `\`\`\`${codeLanguage(language) ?? ''}\n${body}${body.endsWith('`') ? '\u200b' : ''}\n\`\`\``;
}

/** Inline content as Discord markdown: bold `**`, italic `_`, code spans, safe masked links. */
export function markdownInline(content: InlineContent): string {
  if (typeof content === 'string') return markdownText(content);
  let out = '';
  for (const piece of content) {
    if (typeof piece === 'string') {
      out += escapeMarkdown(sanitizeText(piece));
      continue;
    }
    const text = escapeMarkdown(sanitizeText(piece.text));
    if (piece.kind === 'link') {
      const href = safeHref(piece.href);
      // Parentheses and angle brackets would end the link target early: percent-encode them.
      const target = href?.replace(
        /[()<>\s]/g,
        (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
      );
      out += target === undefined ? text : `[${text.length > 0 ? text : escapeMarkdown(target)}](${target})`;
    } else if (text.length === 0) {
      continue;
    } else if (piece.kind === 'bold') out += `**${text}**`;
    else if (piece.kind === 'italic') out += `_${text}_`;
    else {
      const code = codeText(oneLine(piece.text));
      out += code.indexOf('`') < 0 ? `\`${code}\`` : text;
    }
  }
  // Pieces are escaped one by one; a mention or a line start may only appear once joined.
  return neutralizeMentions(escapeLineStarts(out));
}

/** One block as Discord markdown (for message content and embed descriptions). */
export function discordBlockMarkdown(block: Block): string {
  switch (block.type) {
    case 'heading':
      return `**${markdownText(oneLine(block.text))}**`;
    case 'text':
      return markdownInline(block.content);
    case 'fields':
      return block.fields.map((f) => `**${markdownText(oneLine(f.label))}:** ${markdownInline(f.value)}`).join('\n');
    case 'table':
      return markdownFence(plainTable(block.columns, block.rows, block.align));
    case 'list':
      return block.items.map((item, i) => `${listMarker(block, i)} ${markdownInline(item)}`).join('\n');
    case 'code':
      return markdownFence(block.text, block.language);
    case 'chart':
      return markdownFence(block.fallback);
    case 'divider':
      return DIVIDER_LINE;
    case 'footer':
      return `-# ${markdownText(oneLine(block.text))}`;
  }
}

/**
 * `render(raw)` cut short with `…` so it is at most `max` long; the raw string is shortened
 * (between code points), never the rendered one, so no escape is cut in half.
 */
export function truncateRendered(raw: string, max: number, render: (raw: string) => string): string {
  const full = render(raw);
  if (full.length <= max) return full;
  let cut = Math.min(raw.length, max - 1);
  for (;;) {
    if (cut > 0 && cut < raw.length && raw.charCodeAt(cut) >= 0xdc00 && raw.charCodeAt(cut) <= 0xdfff) cut--;
    const out = `${render(raw.slice(0, cut)).trimEnd()}…`;
    if (out.length <= max) return out;
    if (cut <= 0) return '…';
    cut -= Math.max(1, Math.ceil((out.length - max) / 2));
    if (cut < 0) cut = 0;
  }
}
