import type { Align, Block, ChartSpec, Document, Field, Inline, InlineContent, Tone } from './model.js';

/**
 * A fluent, mutable {@link Document}. Every method appends one block and returns the builder,
 * so a command can `return document().heading('Uptime').table(...)`.
 *
 * @example
 * document().heading('Today').fields([{ label: 'Visitors', value: '1,204' }]).footer('Umami');
 */
export class DocumentBuilder implements Document {
  readonly blocks: Block[] = [];
  tone: Tone | undefined;

  /** Sets the tone (info, success, warning, error). */
  withTone(tone: Tone): this {
    this.tone = tone;
    return this;
  }

  /** Appends a heading (level 1 to 3; default 2). */
  heading(text: string, level: 1 | 2 | 3 = 2): this {
    this.blocks.push({ type: 'heading', text, level });
    return this;
  }

  /** Appends a paragraph of inline text. */
  text(content: InlineContent): this {
    this.blocks.push({ type: 'text', content });
    return this;
  }

  /** Appends key/value fields. */
  fields(fields: readonly Field[]): this {
    this.blocks.push({ type: 'fields', fields });
    return this;
  }

  /** Appends a table; `align` defaults to left for every column. */
  table(columns: readonly string[], rows: readonly (readonly string[])[], align?: readonly Align[]): this {
    this.blocks.push(align ? { type: 'table', columns, rows, align } : { type: 'table', columns, rows });
    return this;
  }

  /** Appends a bullet (or numbered) list. */
  list(items: readonly InlineContent[], ordered = false): this {
    this.blocks.push({ type: 'list', items, ordered });
    return this;
  }

  /** Appends preformatted text. */
  code(text: string, language?: string): this {
    this.blocks.push(language === undefined ? { type: 'code', text } : { type: 'code', text, language });
    return this;
  }

  /** Appends a chart with the text shown where images are not possible. */
  chart(chart: ChartSpec, fallback: string): this {
    this.blocks.push({ type: 'chart', chart, fallback });
    return this;
  }

  /** Appends a horizontal divider. */
  divider(): this {
    this.blocks.push({ type: 'divider' });
    return this;
  }

  /** Appends a small footer line (source, time). */
  footer(text: string): this {
    this.blocks.push({ type: 'footer', text });
    return this;
  }
}

/** Starts a new document. */
export function document(): DocumentBuilder {
  return new DocumentBuilder();
}

/** A document of one paragraph. */
export function textDocument(text: string, tone?: Tone): Document {
  return tone === undefined
    ? { blocks: [{ type: 'text', content: text }] }
    : { blocks: [{ type: 'text', content: text }], tone };
}

/** Bold inline text. */
export function bold(text: string): Inline {
  return { kind: 'bold', text };
}

/** Italic inline text. */
export function italic(text: string): Inline {
  return { kind: 'italic', text };
}

/** Monospace inline text. */
export function code(text: string): Inline {
  return { kind: 'code', text };
}

/** A link; renderers only emit `http:`, `https:` and `mailto:` hrefs and show others as text. */
export function link(text: string, href: string): Inline {
  return { kind: 'link', text, href };
}
