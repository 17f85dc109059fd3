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
    const room = current.length > 0 ? target.limit - used - target.separatorSize : target.limit;
    for (const [part, size] of fitBlock(block, target, room)) {
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

/**
 * Renders a block, splitting it until every piece fits; returns each piece with its size. A
 * block that fits in a message stays whole. A larger block made of units (rows, items, lines,
 * fields) is cut into runs of as many units as fit: the first run fills `room` (what is left
 * of the current message), the next ones whole messages. Anything else is halved.
 */
export function fitBlock<Part>(block: Block, target: ChunkTarget<Part>, room = target.limit): [Part, number][] {
  const part = target.render(block);
  const size = target.size(part);
  if (size <= target.limit) return [[part, size]];
  const runs = unitsOf(block);
  if (runs !== undefined) return fillRuns(runs, target, room);
  const halves = splitBlock(block);
  if (halves === undefined) return [[part, size]];
  return halves.flatMap((half) => fitBlock(half, target));
}

/** A block as a sequence of units and a way to take a run of them as a block of its own. */
interface Units {
  readonly count: number;
  slice(from: number, to: number): Block;
}

function unitsOf(block: Block): Units | undefined {
  const lines = (text: string, make: (text: string) => Block): Units | undefined => {
    const all = text.split('\n');
    return all.length < 2
      ? undefined
      : { count: all.length, slice: (from, to) => make(all.slice(from, to).join('\n')) };
  };
  switch (block.type) {
    case 'table':
      return block.rows.length < 2
        ? undefined
        : { count: block.rows.length, slice: (from, to) => ({ ...block, rows: block.rows.slice(from, to) }) };
    case 'list':
      return block.items.length < 2
        ? undefined
        : {
            count: block.items.length,
            slice: (from, to) => ({ ...block, items: block.items.slice(from, to), start: (block.start ?? 1) + from }),
          };
    case 'fields':
      return block.fields.length < 2
        ? undefined
        : {
            count: block.fields.length,
            slice: (from, to) => ({ type: 'fields', fields: block.fields.slice(from, to) }),
          };
    case 'code':
      return lines(block.text, (text) => ({ ...block, text }));
    case 'chart':
      return lines(block.fallback, (fallback) => ({ ...block, fallback }));
    default:
      return undefined;
  }
}

/** Cuts `units` into runs that each fill as much of a message as they can. */
function fillRuns<Part>(units: Units, target: ChunkTarget<Part>, room: number): [Part, number][] {
  const out: [Part, number][] = [];
  let space = room;
  let from = 0;
  while (from < units.count) {
    const left = units.count - from;
    let best: [Part, number] | undefined;
    let lo = 0; // the most units known to fit
    let loSize = 0;
    let hi = left + 1; // the fewest units known not to fit (left + 1: none known)
    let hiSize = Number.POSITIVE_INFINITY;
    const probe = (k: number): void => {
      const part = target.render(units.slice(from, from + k));
      const size = target.size(part);
      if (size <= space) [best, lo, loSize] = [[part, size], k, size];
      else [hi, hiSize] = [k, size];
    };
    // Grow the run by doubling, then narrow down between the last fit and the first miss,
    // interpolating on sizes every other step (sizes grow about linearly with units).
    for (let k = 1; k <= left && hi > left; k *= 2) probe(k);
    for (let step = 0; hi - lo > 1; step++) {
      let mid = (lo + hi) >> 1;
      if (step % 2 === 0 && lo > 0 && Number.isFinite(hiSize))
        mid = lo + Math.floor(((hi - lo) * (space - loSize)) / (hiSize - loSize));
      probe(Math.min(hi - 1, Math.max(lo + 1, mid)));
    }
    const taken = lo;
    if (best !== undefined) {
      out.push(best);
      from += taken;
    } else if (space < target.limit) {
      // Not even one unit fits in what is left of this message: start on a fresh one.
      space = target.limit;
      continue;
    } else {
      // One unit larger than a whole message: cut inside it.
      out.push(...fitBlock(units.slice(from, from + 1), target));
      from += 1;
    }
    space = target.limit;
  }
  return out;
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
      return (
        halves && [
          { ...block, items: [halves[0]] },
          { type: 'text', content: halves[1] },
        ]
      );
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
