import { escapeHtml, safeHref, sanitizeText } from './escape.js';
import type { InlineContent } from './model.js';

/** Sanitises then escapes `text` for HTML content or a quoted attribute. */
export function htmlText(text: string): string {
  return escapeHtml(sanitizeText(text));
}

/**
 * Inline content as HTML with `<b>`, `<i>`, `<code>` and `<a href>` (tags both Matrix and
 * Telegram accept). Every string is sanitised and escaped; a link with an unsafe href renders
 * as its text. Line breaks become `newline` (`<br>` for Matrix, `\n` for Telegram).
 */
export function htmlInline(content: InlineContent, newline: string): string {
  const lines = (html: string): string =>
    newline === '\n' || html.indexOf('\n') < 0 ? html : html.replace(/\n/g, newline);
  if (typeof content === 'string') return lines(htmlText(content));
  let out = '';
  for (const piece of content) {
    if (typeof piece === 'string') {
      out += htmlText(piece);
      continue;
    }
    const text = htmlText(piece.text);
    if (piece.kind === 'link') {
      const href = safeHref(piece.href);
      out += href === undefined ? text : `<a href="${escapeHtml(href)}">${text}</a>`;
    } else {
      const tag = piece.kind === 'bold' ? 'b' : piece.kind === 'italic' ? 'i' : 'code';
      out += `<${tag}>${text}</${tag}>`;
    }
  }
  return lines(out);
}

/** A code language reduced to what is safe in `class="language-…"`, or `undefined`. */
export function codeLanguage(language: string | undefined): string | undefined {
  if (language === undefined) return undefined;
  const clean = language
    .slice(0, 64)
    .replace(/[^A-Za-z0-9_+#.-]/g, '')
    .slice(0, 32);
  return clean.length > 0 ? clean : undefined;
}
