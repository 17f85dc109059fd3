import { codeLanguage, htmlInline, htmlText } from './html-inline.js';
import type { Block, Document } from './model.js';
import { DIVIDER_LINE, listMarker, oneLine, plainTable } from './plain-text.js';
import type { Renderer } from './renderer.js';
import { chunkBlocks, type ChunkTarget } from './split.js';

/** Sanitises and escapes a one-line string (heading, label) for Telegram HTML. */
function line(text: string): string {
  return htmlText(oneLine(text));
}

/** One block as Telegram HTML (`b i code pre a` only; line breaks are `\n`). */
export function telegramBlockHtml(block: Block): string {
  switch (block.type) {
    case 'heading':
      return `<b>${line(block.text)}</b>`;
    case 'text':
      return htmlInline(block.content, '\n');
    case 'fields':
      return block.fields.map((f) => `<b>${line(f.label)}:</b> ${htmlInline(f.value, '\n')}`).join('\n');
    case 'table':
      return `<pre>${htmlText(plainTable(block.columns, block.rows, block.align))}</pre>`;
    case 'list':
      return block.items.map((item, i) => `${listMarker(block, i)} ${htmlInline(item, '\n')}`).join('\n');
    case 'code': {
      const lang = codeLanguage(block.language);
      const text = htmlText(block.text);
      return lang === undefined ? `<pre>${text}</pre>` : `<pre><code class="language-${lang}">${text}</code></pre>`;
    }
    case 'chart':
      return `<pre>${htmlText(block.fallback)}</pre>`;
    case 'divider':
      return DIVIDER_LINE;
    case 'footer':
      return `<i>${line(block.text)}</i>`;
  }
}

/** Options of {@link createTelegramRenderer}. */
export interface TelegramRendererOptions {
  /** The longest message in UTF-16 code units of raw HTML (default 4096, at least 64). */
  readonly maxLength?: number;
}

/**
 * A renderer to Telegram `parse_mode: "HTML"` text: headings bold, fields `<b>Label:</b>
 * value`, tables as aligned columns in `<pre>`, lists with `•` / `1.`, code in
 * `<pre><code class="language-x">`, footer italic. No `br p ul li h1` (Telegram refuses them).
 * Messages are split so the raw HTML, which is never shorter than the parsed text Telegram
 * counts, stays within `maxLength`.
 *
 * @example
 * telegramRenderer.render(document().heading('Today').text('1,204 visitors'))
 * // ['<b>Today</b>\n\n1,204 visitors']
 */
export function createTelegramRenderer(options: TelegramRendererOptions = {}): Renderer<string> {
  const maxLength = options.maxLength ?? 4096;
  if (!(maxLength >= 64)) throw new RangeError(`telegram renderer: maxLength must be at least 64, got ${maxLength}`);
  const target: ChunkTarget<string> = {
    limit: maxLength,
    separatorSize: 2,
    render: telegramBlockHtml,
    size: (s) => s.length,
  };
  return {
    name: 'telegram',
    render(doc: Document): string[] {
      return chunkBlocks(doc.blocks, target).map((parts) => parts.join('\n\n'));
    },
  };
}

/** The Telegram renderer with Telegram's limit of 4096 characters. */
export const telegramRenderer: Renderer<string> = createTelegramRenderer();
