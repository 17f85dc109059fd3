import {
  escapeHtml,
  type ChartSpec,
  type Document,
  type ImageAttachment,
  type Renderer,
  type RoomRef,
  type SentMessage,
  type AdapterContext,
} from '@stats/core';
import { InputFile, type Api } from 'grammy';
import { messageKey } from './incoming.js';

/** Renders a chart to a PNG; the core's chart renderer, handed in by the bot. */
export type ChartRenderer = (chart: ChartSpec) => Promise<ImageAttachment> | ImageAttachment;

/** Where a message goes, and what it answers. */
export interface Destination {
  readonly chatId: number | string;
  readonly threadId?: number;
  /** The message id the first part replies to. */
  readonly replyTo?: number;
}

/** The longest photo caption Telegram takes. */
const CAPTION_LIMIT = 1024;

/** The Telegram chat id of a room: numeric ids as numbers, `@channel` names as they are. */
export function chatIdOf(room: RoomRef): number | string {
  return /^-?\d+$/.test(room.id) ? Number(room.id) : room.id;
}

/** The destination of a message into `room` (its topic, when it has one). */
export function destinationOf(room: RoomRef, replyTo?: number): Destination {
  const threadId = room.threadId === undefined ? undefined : Number(room.threadId);
  return {
    chatId: chatIdOf(room),
    ...(threadId !== undefined && Number.isInteger(threadId) ? { threadId } : {}),
    ...(replyTo === undefined ? {} : { replyTo }),
  };
}

/** Sends documents and images through grammY's API (with the bot's transformers). */
export class TelegramSender {
  constructor(
    private readonly api: Api,
    private readonly renderer: Renderer<string>,
    private readonly renderChart: ChartRenderer | undefined,
    private readonly logger: AdapterContext['logger'],
  ) {}

  /**
   * Sends a document: its text parts as HTML messages split by the renderer, then each chart as
   * a photo when a chart renderer is set (else the renderer's text fallback stays in the text).
   */
  async document(to: Destination, doc: Document): Promise<SentMessage[]> {
    const charts =
      this.renderChart === undefined ? [] : doc.blocks.flatMap((block) => (block.type === 'chart' ? [block] : []));
    const textBlocks = charts.length === 0 ? doc.blocks : doc.blocks.filter((block) => block.type !== 'chart');
    const sent: SentMessage[] = [];
    if (textBlocks.length > 0) {
      const parts = this.renderer.render({ ...doc, blocks: textBlocks }).filter((part) => part.trim().length > 0);
      for (const [index, html] of parts.entries()) {
        const message = await this.api.sendMessage(to.chatId, html, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(to.threadId === undefined ? {} : { message_thread_id: to.threadId }),
          ...(index === 0 && to.replyTo !== undefined
            ? { reply_parameters: { message_id: to.replyTo, allow_sending_without_reply: true } }
            : {}),
        });
        sent.push(this.sentMessage(message.chat.id, message.message_id, to.threadId));
      }
    }
    for (const block of charts) {
      const renderChart = this.renderChart;
      if (renderChart === undefined) break;
      try {
        const image = await renderChart(block.chart);
        sent.push(await this.image(to, image));
      } catch (error) {
        this.logger.warn(
          { err: error, chart: block.chart.title },
          'chart could not be sent as a photo; sending its text fallback',
        );
        const [fallback] = this.renderer.render({ blocks: [block] });
        if (fallback !== undefined) {
          const message = await this.api.sendMessage(to.chatId, fallback, { parse_mode: 'HTML' });
          sent.push(this.sentMessage(message.chat.id, message.message_id, to.threadId));
        }
      }
    }
    return sent;
  }

  /** Sends a PNG as a photo with its alt text as the caption. */
  async image(to: Destination, image: ImageAttachment): Promise<SentMessage> {
    const caption = escapeHtml(image.alt.slice(0, CAPTION_LIMIT - 64));
    const message = await this.api.sendPhoto(to.chatId, new InputFile(image.png, image.filename), {
      ...(caption.length > 0 ? { caption, parse_mode: 'HTML' as const } : {}),
      ...(to.threadId === undefined ? {} : { message_thread_id: to.threadId }),
      ...(to.replyTo === undefined
        ? {}
        : { reply_parameters: { message_id: to.replyTo, allow_sending_without_reply: true } }),
    });
    return this.sentMessage(message.chat.id, message.message_id, to.threadId);
  }

  /** Replaces the text of a sent message with the first part of `doc`. */
  async edit(chatId: number | string, messageId: number, doc: Document): Promise<void> {
    const [html] = this.renderer.render({
      ...doc,
      blocks: doc.blocks.filter((block) => block.type !== 'chart' || this.renderChart === undefined),
    });
    if (html === undefined) return;
    await this.api.editMessageText(chatId, messageId, html, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    });
  }

  private sentMessage(chatId: number, messageId: number, threadId: number | undefined): SentMessage {
    const room: RoomRef =
      threadId === undefined
        ? { platform: 'telegram', id: String(chatId) }
        : { platform: 'telegram', id: String(chatId), threadId: String(threadId) };
    return { platform: 'telegram', room, id: messageKey(chatId, messageId) };
  }
}
