import { discordBlockMarkdown, markdownText, truncateRendered } from './discord-markdown.js';
import { neutralizeMentions } from './escape.js';
import type { Block, Document, Field, Tone } from './model.js';
import { oneLine } from './plain-text.js';
import type { DiscordEmbed, DiscordMessage, Renderer } from './renderer.js';
import { chunkBlocks, fitBlock, type ChunkTarget } from './split.js';

/** Discord's message and embed limits (Docs `resources/message.mdx`), in characters. */
export const DISCORD_LIMITS = {
  content: 2000,
  embedsPerMessage: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  embedTotal: 6000,
} as const;

/** The embed colour of each tone (Discord's own palette). */
export const TONE_COLORS: Readonly<Record<Tone, number>> = {
  info: 0x5865f2,
  success: 0x57f287,
  warning: 0xfee75c,
  error: 0xed4245,
};

/** A zero-width space: what Discord accepts as an "empty" field name or value. */
const BLANK = '\u200b';

function markdownTarget(limit: number): ChunkTarget<string> {
  return { limit, separatorSize: 2, render: discordBlockMarkdown, size: (s) => s.length };
}

const descriptionTarget = markdownTarget(DISCORD_LIMITS.description);
const fieldValueTarget = markdownTarget(DISCORD_LIMITS.fieldValue);

interface EmbedField {
  name: string;
  value: string;
  inline?: boolean;
}

/** An embed being filled, with its running total of text. */
class EmbedDraft {
  title: string | undefined;
  description: string[] = [];
  descriptionLength = 0;
  fields: EmbedField[] = [];
  footer: string | undefined;
  total = 0;

  isEmpty(): boolean {
    return (
      this.title === undefined && this.description.length === 0 && this.fields.length === 0 && this.footer === undefined
    );
  }

  toEmbed(color: number | undefined): DiscordEmbed {
    const embed: { -readonly [K in keyof DiscordEmbed]: DiscordEmbed[K] } = {};
    if (this.title !== undefined) embed.title = this.title;
    if (this.description.length > 0) embed.description = this.description.join('\n\n');
    if (color !== undefined) embed.color = color;
    if (this.fields.length > 0) embed.fields = this.fields;
    if (this.footer !== undefined) embed.footer = { text: this.footer };
    return embed;
  }
}

/** Turns the blocks of a structured document into embeds within every per-embed limit. */
function buildEmbeds(blocks: readonly Block[], color: number | undefined): { embed: DiscordEmbed; total: number }[] {
  const embeds: { embed: DiscordEmbed; total: number }[] = [];
  let draft = new EmbedDraft();
  const flush = (): void => {
    if (!draft.isEmpty()) embeds.push({ embed: draft.toEmbed(color), total: draft.total });
    draft = new EmbedDraft();
  };
  const addField = (field: EmbedField): void => {
    const size = field.name.length + field.value.length;
    if (
      draft.footer !== undefined ||
      draft.fields.length >= DISCORD_LIMITS.fields ||
      draft.total + size > DISCORD_LIMITS.embedTotal
    )
      flush();
    draft.fields.push(field);
    draft.total += size;
  };
  for (const block of blocks) {
    if (block.type === 'heading') {
      flush();
      draft.title = truncateRendered(oneLine(block.text), DISCORD_LIMITS.title, markdownText);
      draft.total += draft.title.length;
    } else if (block.type === 'footer') {
      if (draft.footer !== undefined) flush();
      // Embed footers show no markdown: sanitise only, so no backslash shows up.
      const text = truncateRendered(oneLine(block.text), DISCORD_LIMITS.footer, neutralizeMentions);
      if (draft.total + text.length > DISCORD_LIMITS.embedTotal) flush();
      draft.footer = text;
      draft.total += text.length;
    } else if (block.type === 'fields') {
      for (const field of block.fields) for (const f of embedFields(field)) addField(f);
    } else {
      for (const [part, size] of fitBlock(block, descriptionTarget)) {
        const extra = draft.description.length > 0 ? size + 2 : size;
        const full =
          draft.descriptionLength + extra > DISCORD_LIMITS.description ||
          draft.total + extra > DISCORD_LIMITS.embedTotal;
        if (draft.fields.length > 0 || draft.footer !== undefined || full) flush();
        const added = draft.description.length > 0 ? size + 2 : size;
        draft.description.push(part);
        draft.descriptionLength += added;
        draft.total += added;
      }
    }
  }
  flush();
  return embeds;
}

/** One document field as one or more embed fields (a long value continues under the same name). */
function embedFields(field: Field): EmbedField[] {
  const label = oneLine(field.label);
  const name = truncateRendered(label, DISCORD_LIMITS.fieldName, markdownText) || BLANK;
  const values = chunkBlocks([{ type: 'text', content: field.value }], fieldValueTarget).map((parts) =>
    parts.join('\n\n'),
  );
  const more = values.length > 1 ? truncateRendered(`${label} (cont.)`, DISCORD_LIMITS.fieldName, markdownText) : name;
  return values.map((value, i) => {
    const out: EmbedField = { name: i === 0 ? name : more, value: value.trim() === '' ? BLANK : value };
    if (field.inline === true) out.inline = true;
    return out;
  });
}

/** True when a document needs embeds: it has a heading, fields or a table. */
function isStructured(doc: Document): boolean {
  return doc.blocks.some((b) => b.type === 'heading' || b.type === 'fields' || b.type === 'table');
}

const contentTarget = markdownTarget(DISCORD_LIMITS.content);

/**
 * A renderer to Discord messages. A document of paragraphs, lists and code becomes markdown
 * `content` of at most 2,000 characters per message; a structured one (heading, fields or
 * table) becomes embeds: each heading opens an embed (its title), fields become embed fields,
 * tables and code go into the description as code blocks, the footer into the embed footer,
 * the tone into the colour. Every embed limit holds (title 256, description 4,096, 25 fields
 * of 256/1,024, footer 2,048, 6,000 in total and 10 embeds per message). Markdown in data is
 * escaped and every mention neutralised.
 *
 * @example
 * discordRenderer.render(textDocument('pong')) // [{ content: 'pong' }]
 */
export function createDiscordRenderer(): Renderer<DiscordMessage> {
  return {
    name: 'discord',
    render(doc: Document): DiscordMessage[] {
      if (!isStructured(doc)) {
        return chunkBlocks(doc.blocks, contentTarget).map((parts) => ({ content: parts.join('\n\n') }));
      }
      const built = buildEmbeds(doc.blocks, doc.tone === undefined ? undefined : TONE_COLORS[doc.tone]);
      if (built.length === 0) return [{ content: '' }];
      const messages: DiscordMessage[] = [];
      let embeds: DiscordEmbed[] = [];
      let total = 0;
      for (const item of built) {
        if (embeds.length >= DISCORD_LIMITS.embedsPerMessage || total + item.total > DISCORD_LIMITS.embedTotal) {
          messages.push({ embeds });
          embeds = [];
          total = 0;
        }
        embeds.push(item.embed);
        total += item.total;
      }
      if (embeds.length > 0 || messages.length === 0) messages.push({ embeds });
      return messages;
    },
  };
}

/** The Discord renderer. */
export const discordRenderer: Renderer<DiscordMessage> = createDiscordRenderer();
