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

/**
 * A table as aligned monospace columns (two spaces apart, widths in code points), a rule of
 * `─` under the header. Cells are sanitised and kept on one line; not escaped.
 */
export function plainTable(
  columns: readonly string[],
  rows: readonly (readonly string[])[],
  align?: readonly Align[],
): string {
  const lines = [columns, ...rows].map((row) => columns.map((_, i) => oneLine(row[i] ?? '')));
  const lengths = lines.map((cells) => cells.map(codePointLength));
  const widths = columns.map((_, i) => {
    let width = 0;
    for (const row of lengths) width = Math.max(width, row[i] ?? 0);
    return width;
  });
  const render = (cells: readonly string[], r: number): string => {
    let out = '';
    for (let i = 0; i < cells.length; i++) {
      const gap = (widths[i] ?? 0) - (lengths[r]?.[i] ?? 0);
      const cell = cells[i] ?? '';
      if (i > 0) out += '  ';
      out += gap <= 0 ? cell : align?.[i] === 'right' ? ' '.repeat(gap) + cell : cell + ' '.repeat(gap);
    }
    return out.trimEnd();
  };
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  const out = [render(lines[0] ?? [], 0), rule];
  for (let r = 1; r < lines.length; r++) out.push(render(lines[r] ?? [], r));
  return out.join('\n');
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
