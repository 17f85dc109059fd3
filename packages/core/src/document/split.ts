/**
 * The chunker shared by every renderer. Splitting happens on the model, not on the output:
 * a block too large for one message is cut into smaller blocks of the same kind (a table into
 * tables that each repeat the header, a code block into code blocks, a paragraph at a word
 * boundary), and each piece is rendered on its own. So a piece can never end inside a tag,
 * an entity or a code fence, whatever the target.
 */
import type { Block, Field, Inline, InlineContent } from './model.js';

/** How one renderer renders and measures a block for {@link chunkBlocks}. */
export interface ChunkTarget<Part> {
  /** The largest size of one message, in the unit of {@link ChunkTarget.size}. */
  readonly limit: number;
  /** The size added between two parts in one message (the separator). */
  readonly separatorSize: number;
  /** Renders one block. */
  render(block: Block): Part;
  /** The size of a rendered part (characters, bytes: whatever the platform limits). */
  size(part: Part): number;
}

/**
 * Renders `blocks` and packs them greedily into messages of at most `target.limit`: a block
 * that does not fit in the current message starts the next one; a block larger than a whole
 * message is first split with {@link splitBlock}. Always returns at least one (maybe empty)
 * group.
 */
export function chunkBlocks<Part>(blocks: readonly Block[], target: ChunkTarget<Part>): Part[][] {
  const groups: Part[][] = [];
  let current: Part[] = [];
  let used = 0;
  for (const block of blocks) {
    for (const [part, size] of fitBlock(block, target)) {
      if (current.length > 0 && used + target.separatorSize + size > target.limit) {
        groups.push(current);
        current = [];
        used = 0;
      }
      used += (current.length > 0 ? target.separatorSize : 0) + size;
      current.push(part);
    }
  }
  if (current.length > 0 || groups.length === 0) groups.push(current);
  return groups;
}

/** Renders a block, splitting it until every piece fits; returns each piece with its size. */
export function fitBlock<Part>(block: Block, target: ChunkTarget<Part>): [Part, number][] {
  const part = target.render(block);
  const size = target.size(part);
  if (size <= target.limit) return [[part, size]];
  const halves = splitBlock(block);
  if (halves === undefined) return [[part, size]];
  return halves.flatMap((half) => fitBlock(half, target));
}

/** Where a string may be cut near its middle: the nearest line break or space, else mid. */
function cutPoint(text: string): number {
  const mid = text.length >> 1;
  const window = Math.max(1, text.length >> 2);
  for (const sep of ['\n', ' ']) {
    const before = text.lastIndexOf(sep, mid);
    const after = text.indexOf(sep, mid);
    const best = [before + 1, after + 1].filter((p) => p > 0 && p < text.length && Math.abs(p - mid) <= window);
    best.sort((a, b) => Math.abs(a - mid) - Math.abs(b - mid));
    if (best[0] !== undefined) return best[0];
  }
  let cut = mid;
  const unit = text.charCodeAt(cut);
  // Never separate a surrogate pair or a zero-width joiner from what it joins.
  if (unit >= 0xdc00 && unit <= 0xdfff) cut++;
  if (text.charCodeAt(cut) === 0x200d) cut++;
  return cut;
}

/**
 * Cuts `text` in two near the middle at a line break or space (else between two code points);
 * `undefined` when it is a single code point.
 */
export function splitText(text: string): [string, string] | undefined {
  if (text.length < 2 || (text.length === 2 && text.codePointAt(0)! > 0xffff)) return undefined;
  const cut = cutPoint(text);
  if (cut <= 0 || cut >= text.length) return undefined;
  return [text.slice(0, cut), text.slice(cut)];
}

/** Splits inline content in two: between its pieces, else inside its one piece. */
function splitInline(content: InlineContent): [InlineContent, InlineContent] | undefined {
  if (typeof content === 'string') return splitText(content);
  if (content.length >= 2) {
    const mid = content.length >> 1;
    return [content.slice(0, mid), content.slice(mid)];
  }
  const only = content[0];
  if (only === undefined) return undefined;
  if (typeof only === 'string') return splitText(only);
  if (only.kind === 'link') {
    // A link cannot be shortened without losing its target: show it as text instead.
    return only.text.length > 0 ? [only.text, ` <${only.href}>`] : splitText(`<${only.href}>`);
  }
  const halves = splitText(only.text);
  return halves && [[{ kind: only.kind, text: halves[0] }], [{ kind: only.kind, text: halves[1] }]];
}

function halve<T>(items: readonly T[]): [T[], T[]] {
  const mid = items.length >> 1;
  return [items.slice(0, mid), items.slice(mid)];
}

function splitLines(text: string): [string, string] | undefined {
  const lines = text.split('\n');
  if (lines.length < 2) return splitText(text);
  const [a, b] = halve(lines);
  return [a.join('\n'), b.join('\n')];
}

/** A field too large for a message continues as a paragraph: **label:** value. */
function fieldAsText(field: Field): Block {
  return { type: 'text', content: [{ kind: 'bold', text: `${field.label}:` }, ' ', ...inlines(field.value)] };
}

function inlines(content: InlineContent): readonly Inline[] {
  return typeof content === 'string' ? [content] : content;
}

/**
 * Cuts a block into two or more smaller blocks of the same meaning, or `undefined` when it
 * cannot be cut (a divider, a single character). Tables keep their header in every piece; a
 * table of one row becomes fields (column: cell), a single field a paragraph; ordered lists keep their numbering.
 */
export function splitBlock(block: Block): Block[] | undefined {
  switch (block.type) {
    case 'heading': {
      const halves = splitText(block.text);
      return halves?.map((text) => ({ ...block, text }));
    }
    case 'footer': {
      const halves = splitText(block.text);
      return halves?.map((text) => ({ ...block, text }));
    }
    case 'text': {
      const halves = splitInline(block.content);
      return halves?.map((content) => ({ type: 'text', content }));
    }
    case 'code': {
      const halves = splitLines(block.text);
      return halves?.map((text) => ({ ...block, text }));
    }
    case 'chart': {
      const halves = splitLines(block.fallback);
      return halves?.map((fallback) => ({ ...block, fallback }));
    }
    case 'list': {
      if (block.items.length >= 2) {
        const [a, b] = halve(block.items);
        const start = block.start ?? 1;
        return [
          { ...block, items: a },
          { ...block, items: b, start: start + a.length },
        ];
      }
      const halves = block.items[0] === undefined ? undefined : splitInline(block.items[0]);
      // The second half of a single item continues it, so it is a paragraph, not a new item.
      return halves && [{ ...block, items: [halves[0]] }, { type: 'text', content: halves[1] }];
    }
    case 'fields': {
      if (block.fields.length >= 2) return halve(block.fields).map((fields) => ({ type: 'fields', fields }));
      return block.fields[0] === undefined ? undefined : [fieldAsText(block.fields[0])];
    }
    case 'table': {
      if (block.rows.length >= 2) return halve(block.rows).map((rows) => ({ ...block, rows }));
      const row = block.rows[0];
      if (row === undefined) {
        const halves = splitText(block.columns.join('  '));
        return halves?.map((content) => ({ type: 'text', content }));
      }
      const fields = block.columns.map((label, i): Field => ({ label, value: row[i] ?? '' }));
      return [{ type: 'fields', fields }];
    }
    case 'divider':
      return undefined;
  }
}

/** The width of `text` in code points (what a monospace column is padded by). */
export function codePointLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++;
  }
  return n;
}

