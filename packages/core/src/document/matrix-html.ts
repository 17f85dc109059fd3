import { codeLanguage, htmlInline, htmlText } from './html-inline.js';
import type { Block, Document } from './model.js';
import { oneLine, plainBlock } from './plain-text.js';
import type { MatrixMessage, Renderer } from './renderer.js';
import { chunkBlocks, type ChunkTarget } from './split.js';

const BR = '<br>';

/** Sanitises and escapes a one-line string (heading, label, cell) for HTML. */
function line(text: string): string {
  return htmlText(oneLine(text));
}

function pre(text: string, language: string | undefined): string {
  const lang = codeLanguage(language);
  return `<pre><code${lang === undefined ? '' : ` class="language-${lang}"`}>${htmlText(text)}</code></pre>`;
}

/** One block as HTML inside the Matrix spec's tag list (no `font`, `nl`, `strike`). */
export function matrixBlockHtml(block: Block): string {
  switch (block.type) {
    case 'heading':
      return `<h${block.level}>${line(block.text)}</h${block.level}>`;
    case 'text':
      return `<p>${htmlInline(block.content, BR)}</p>`;
    case 'fields':
      return `<p>${block.fields.map((f) => `<strong>${line(f.label)}:</strong> ${htmlInline(f.value, BR)}`).join(BR)}</p>`;
    case 'table': {
      const head = block.columns.map((c) => `<th>${line(c)}</th>`).join('');
      const rows = block.rows.map(
        (row) => `<tr>${block.columns.map((_, i) => `<td>${line(row[i] ?? '')}</td>`).join('')}</tr>`,
      );
      return `<table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
    }
    case 'list': {
      const items = block.items.map((item) => `<li>${htmlInline(item, BR)}</li>`).join('');
      if (!block.ordered) return `<ul>${items}</ul>`;
      const start = block.start ?? 1;
      return start === 1 ? `<ol>${items}</ol>` : `<ol start="${start}">${items}</ol>`;
    }
    case 'code':
      return pre(block.text, block.language);
    case 'chart':
      return pre(block.fallback, undefined);
    case 'divider':
      return '<hr>';
    case 'footer':
      return `<p><em>${line(block.text)}</em></p>`;
  }
}

/**
 * Puts a zero-width space into `@room` so the legacy `.m.rule.roomnotif` push rule, which
 * matches the plain body of events without `m.mentions`, can never notify a whole room.
 */
export function neutralizeRoomMention(body: string): string {
  return body.indexOf('@') < 0 ? body : body.replace(/@(room)/gi, '@\u200b$1');
}

/** The number of UTF-8 bytes `text` takes as a JSON string (quotes and escapes included), counted without encoding it. */
export function jsonBytes(text: string): number {
  let bytes = 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0x80) bytes += c === 0x22 || c === 0x5c ? 2 : 1;
    else if (c < 0x20) bytes += c === 0x08 || c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d ? 2 : 6;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 6; // a lone surrogate is written as \udXXX
    } else bytes += c >= 0xdc00 && c <= 0xdfff ? 6 : 3;
  }
  return bytes;
}

/** Options of {@link createMatrixRenderer}. */
export interface MatrixRendererOptions {
  /**
   * The most bytes the JSON-encoded `body` plus `formatted_body` of one message may take
   * (default 60,000: the whole signed event must stay within 65,536 bytes; at least 1,024).
   */
  readonly maxBytes?: number;
}

interface MatrixPart {
  readonly body: string;
  readonly html: string;
}

/**
 * A renderer to Matrix `m.room.message` content: `body` is the plain-text rendering (with `@room`
 * made inert),
 * `formatted_body` HTML inside the spec's tag list (`h1-h3 p strong b i em code pre table ul
 * ol li hr br a`), code blocks as `<pre><code class="language-x">`. Long documents are split
 * so that each message's JSON-encoded body and formatted body stay within `maxBytes`.
 *
 * @example
 * createMatrixRenderer().render(document().heading('Today').text('1,204 visitors'))
 * // [{ body: 'Today\n\n1,204 visitors', formatted_body: '<h2>Today</h2><p>1,204 visitors</p>' }]
 */
export function createMatrixRenderer(options: MatrixRendererOptions = {}): Renderer<MatrixMessage> {
  const maxBytes = options.maxBytes ?? 60_000;
  if (!(maxBytes >= 1024)) throw new RangeError(`matrix renderer: maxBytes must be at least 1024, got ${maxBytes}`);
  const target: ChunkTarget<MatrixPart> = {
    // Each part counts its own quotes: two extra bytes per part keep the sum an upper bound.
    limit: maxBytes,
    separatorSize: 4, // "\n\n" in the body is four bytes of JSON; parts of HTML join with nothing
    render: (block) => ({ body: neutralizeRoomMention(plainBlock(block)), html: matrixBlockHtml(block) }),
    size: (part) => jsonBytes(part.body) + jsonBytes(part.html),
  };
  return {
    name: 'matrix',
    render(doc: Document): MatrixMessage[] {
      return chunkBlocks(doc.blocks, target).map((parts) => ({
        body: parts.map((p) => p.body).join('\n\n'),
        formatted_body: parts.map((p) => p.html).join(''),
      }));
    },
  };
}

/** The Matrix renderer with the default limit of 60,000 bytes. */
export const matrixRenderer: Renderer<MatrixMessage> = createMatrixRenderer();
