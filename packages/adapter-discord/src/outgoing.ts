import { createHash } from 'node:crypto';
import type { ChartSpec, DiscordMessage, Document, ImageAttachment, Renderer } from '@stats/core';
import type { APIEmbed, AttachmentPayload, MessageMentionOptions } from 'discord.js';

/** Renders a chart to a PNG; the core's chart renderer, handed in by the bot. */
export type ChartRenderer = (chart: ChartSpec) => Promise<ImageAttachment> | ImageAttachment;

/** No mention of any kind is parsed from what the bot sends: data can never ping anyone. */
export const NO_MENTIONS: MessageMentionOptions = Object.freeze({
  parse: [],
  repliedUser: false,
}) as MessageMentionOptions;

/** One message to send: markdown content, embeds and files (charts). */
export interface OutgoingPayload {
  content?: string;
  embeds?: APIEmbed[];
  files?: AttachmentPayload[];
  allowedMentions: MessageMentionOptions;
}

/** The file part of a chart image. */
export function chartFile(image: ImageAttachment): AttachmentPayload {
  const name = /\.png$/i.test(image.filename) ? image.filename : `${image.filename}.png`;
  return { attachment: Buffer.from(image.png), name, description: image.alt.slice(0, 1024) };
}

function toPayload(message: DiscordMessage): OutgoingPayload {
  const payload: OutgoingPayload = { allowedMentions: NO_MENTIONS };
  if (message.content !== undefined && message.content !== '') payload.content = message.content;
  if (message.embeds !== undefined && message.embeds.length > 0) {
    payload.embeds = message.embeds.map((embed) => {
      const out: APIEmbed = {};
      if (embed.title !== undefined) out.title = embed.title;
      if (embed.description !== undefined) out.description = embed.description;
      if (embed.color !== undefined) out.color = embed.color;
      if (embed.fields !== undefined)
        out.fields = embed.fields.map((f) => ({
          name: f.name,
          value: f.value,
          ...(f.inline === undefined ? {} : { inline: f.inline }),
        }));
      if (embed.footer !== undefined) out.footer = { text: embed.footer.text };
      return out;
    });
  }
  return payload;
}

/**
 * The messages for a document: the renderer's split messages (content ≤ 2,000, embeds within
 * Discord's limits), then, when a chart renderer is set, one message with every chart as a PNG
 * attachment (the chart's text fallback is then left out of the text).
 */
export async function toPayloads(
  doc: Document,
  renderer: Renderer<DiscordMessage>,
  renderChart: ChartRenderer | undefined,
): Promise<OutgoingPayload[]> {
  const charts =
    renderChart === undefined ? [] : doc.blocks.flatMap((block) => (block.type === 'chart' ? [block.chart] : []));
  const textDoc = charts.length === 0 ? doc : { ...doc, blocks: doc.blocks.filter((block) => block.type !== 'chart') };
  const payloads = textDoc.blocks.length === 0 && charts.length > 0 ? [] : renderer.render(textDoc).map(toPayload);
  if (charts.length > 0 && renderChart !== undefined) {
    const files = await Promise.all(charts.slice(0, 10).map(async (chart) => chartFile(await renderChart(chart))));
    payloads.push({ files, allowedMentions: NO_MENTIONS });
  }
  return payloads.filter((p) => p.content !== undefined || p.embeds !== undefined || p.files !== undefined);
}

/** Discord's `nonce` (≤ 25 characters) for part `part` of a send with an idempotency key. */
export function nonceOf(key: string, part: number): string {
  return createHash('sha256').update(`${key}\u0000${part}`).digest('base64url').slice(0, 25);
}
