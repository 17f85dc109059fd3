import { safeHref, sanitizeText } from './escape.js';
import type { Align, Block, Document, InlineContent } from './model.js';
import type { Renderer } from './renderer.js';
import { chunkBlocks, codePointLength, type ChunkTarget } from './split.js';

/** The line a divider block renders to in plain text and monospace targets. */
export const DIVIDER_LINE = '──────────';

/** Sanitises a one-line string (headings, labels, cells): newlines and tabs become spaces. */
export function oneLine(text: string): string {
  const clean = sanitizeText(text);
  return clean.indexOf('\n') < 0 && clean.indexOf('\t') < 0 ? clean : clean.replace(/[\n\t]/g, ' ');
}

/** Inline content as plain text: emphasis dropped, a safe link as `text (href)`. */
export function plainInline(content: InlineContent): string {
  if (typeof content === 'string') return sanitizeText(content);
  let out = '';
  for (const piece of content) {
    if (typeof piece === 'string') out += sanitizeText(piece);
    else if (piece.kind === 'link') {
      const text = sanitizeText(piece.text);
      const href = safeHref(piece.href);
      out += href === undefined || href === text || `${text}/` === href ? text : `${text} (${href})`;
    } else out += sanitizeText(piece.text);
  }
  return out;
}

function pad(text: string, width: number, align: Align | undefined): string {
  const gap = width - codePointLength(text);
  if (gap <= 0) return text;
  return align === 'right' ? ' '.repeat(gap) + text : text + ' '.repeat(gap);
}

/**
 * A table as aligned monospace columns (two spaces apart, widths in code points), a rule of
 * `─` under the header. Cells are sanitised and kept on one line; not escaped.
 */
export function plainTable(columns: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): string {
  const head = columns.map(oneLine);
  const body = rows.map((row) => head.map((_, i) => oneLine(row[i] ?? '')));
  const widths = head.map((h, i) => Math.max(codePointLength(h), ...body.map((r) => codePointLength(r[i] ?? ''))));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => pad(cell, widths[i] ?? 0, align?.[i]))
      .join('  ')
      .trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(head), rule, ...body.map(line)].join('\n');
}

/** The marker of item `index` (0-based) of a list: `•` or `n.`. */
export function listMarker(block: Extract<Block, { type: 'list' }>, index: number): string {
  return block.ordered ? `${(block.start ?? 1) + index}.` : '•';
}

/** One block as plain text. */
export function plainBlock(block: Block): string {
  switch (block.type) {
    case 'heading':
      return oneLine(block.text);
    case 'text':
      return plainInline(block.content);
    case 'fields':
      return block.fields.map((f) => `${oneLine(f.label)}: ${plainInline(f.value)}`).join('\n');
    case 'table':
      return plainTable(block.columns, block.rows, block.align);
    case 'list':
      return block.items.map((item, i) => `${listMarker(block, i)} ${plainInline(item)}`).join('\n');
    case 'code':
      return sanitizeText(block.text);
    case 'chart':
      return sanitizeText(block.fallback);
    case 'divider':
      return DIVIDER_LINE;
    case 'footer':
      return oneLine(block.text);
  }
}

/** Options of {@link createPlainRenderer}. */
export interface PlainRendererOptions {
  /** The longest message in UTF-16 code units (default 4000, at least 64). */
  readonly maxLength?: number;
}

/**
 * A renderer to plain text: headings and paragraphs as lines, `Label: value` fields, tables as
 * aligned monospace columns, `•` / `1.` lists, code as is, a chart as its fallback text; blocks
 * separated by a blank line, messages at most `maxLength` long. A document of one short
 * paragraph of plain characters renders with one pass over its characters.
 *
 * @example
 * createPlainRenderer({ maxLength: 2000 }).render(textDocument('pong')) // ['pong']
 */
export function createPlainRenderer(options: PlainRendererOptions = {}): Renderer<string> {
  const maxLength = options.maxLength ?? 4000;
  if (!(maxLength >= 64)) throw new RangeError(`plain renderer: maxLength must be at least 64, got ${maxLength}`);
  const target: ChunkTarget<string> = { limit: maxLength, separatorSize: 2, render: plainBlock, size: (s) => s.length };
  return {
    name: 'plain',
    render(doc: Document): string[] {
      const blocks = doc.blocks;
      if (blocks.length === 1) {
        const only = blocks[0];
        if (only?.type === 'text' && typeof only.content === 'string') {
          const text = sanitizeText(only.content);
          if (text.length <= maxLength) return [text];
        }
      }
      return chunkBlocks(blocks, target).map((parts) => parts.join('\n\n'));
    },
  };
}

/** The plain-text renderer with the default limit of 4000 characters. */
export const plainRenderer: Renderer<string> = createPlainRenderer();
