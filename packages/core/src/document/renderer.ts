import type { Document } from './model.js';

/** One Matrix message: plain `body` and HTML `formatted_body`. */
export interface MatrixMessage {
  readonly body: string;
  readonly formatted_body: string;
}

/** A Discord embed within Discord's limits. */
export interface DiscordEmbed {
  readonly title?: string;
  readonly description?: string;
  readonly color?: number;
  readonly fields?: readonly { readonly name: string; readonly value: string; readonly inline?: boolean }[];
  readonly footer?: { readonly text: string };
}

/** One Discord message: markdown `content` and/or embeds. */
export interface DiscordMessage {
  readonly content?: string;
  readonly embeds?: readonly DiscordEmbed[];
}

/**
 * Turns a {@link Document} into the messages of one platform, already split at the platform's
 * limit (never inside a tag or a code block). Renderers are pure: the same document gives the
 * same output.
 */
export interface Renderer<Out> {
  /** A short name: `plain`, `matrix`, `telegram`, `discord`. */
  readonly name: string;
  /** Renders and splits; always returns at least one message. */
  render(doc: Document): Out[];
}
