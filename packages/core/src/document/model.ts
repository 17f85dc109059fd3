/**
 * The platform-neutral message model. A {@link Document} is a list of blocks; renderers turn
 * it into Matrix HTML, Telegram HTML, Discord markdown/embeds or plain text. Every string in a
 * document is data: renderers escape it for their target, so a document can never inject markup.
 */

/** A piece of inline text: plain data, or data with one emphasis or a link. */
export type Inline =
  | string
  | { readonly kind: 'bold' | 'italic' | 'code'; readonly text: string }
  | { readonly kind: 'link'; readonly text: string; readonly href: string };

/** One line or paragraph of inline pieces. */
export type InlineContent = string | readonly Inline[];

/** The tone of a document; renderers may show it as a colour or an emoji. */
export type Tone = 'info' | 'success' | 'warning' | 'error';

/** One key/value pair of a `fields` block. */
export interface Field {
  readonly label: string;
  readonly value: InlineContent;
  /** A short field that may sit beside others (Discord inline fields). */
  readonly inline?: boolean;
}

/** Column alignment of a table. */
export type Align = 'left' | 'right';

/** A series of points for a chart block. */
export interface ChartSeries {
  readonly name: string;
  readonly points: readonly { readonly x: string; readonly y: number }[];
}

/** What a chart block shows; rendered to PNG where the platform takes images. */
export interface ChartSpec {
  readonly kind: 'line' | 'bar';
  readonly title: string;
  readonly series: readonly ChartSeries[];
  /** The unit of the y axis, e.g. `%` or `visitors`. */
  readonly unit?: string;
  /** The locale of the axis numbers, a BCP 47 tag such as `de` (`1.234,5`); default `en` (`1,234.5`). */
  readonly locale?: string;
}

/** A block of a document. */
export type Block =
  | { readonly type: 'heading'; readonly text: string; readonly level: 1 | 2 | 3 }
  | { readonly type: 'text'; readonly content: InlineContent }
  | { readonly type: 'fields'; readonly fields: readonly Field[] }
  | {
      readonly type: 'table';
      readonly columns: readonly string[];
      readonly rows: readonly (readonly string[])[];
      readonly align?: readonly Align[];
    }
  | {
      readonly type: 'list';
      readonly items: readonly InlineContent[];
      readonly ordered: boolean;
      /** The number of the first item of an ordered list (default 1); set when a list is split. */
      readonly start?: number;
    }
  | { readonly type: 'code'; readonly text: string; readonly language?: string }
  | {
      readonly type: 'chart';
      readonly chart: ChartSpec;
      /** Text shown where images are not possible (a sparkline line per series). */
      readonly fallback: string;
    }
  | { readonly type: 'divider' }
  | { readonly type: 'footer'; readonly text: string };

/** A platform-neutral message. */
export interface Document {
  readonly blocks: readonly Block[];
  readonly tone?: Tone | undefined;
}

/** True when `value` has the shape of a {@link Document}. */
export function isDocument(value: unknown): value is Document {
  return typeof value === 'object' && value !== null && Array.isArray((value as { blocks?: unknown }).blocks);
}
