import { createHash, randomUUID } from 'node:crypto';
import type { ImageAttachment, MatrixMessage, RedactResult } from '@stats/core';
import type { MatrixClient } from 'matrix-bot-sdk';
import type { Logger } from '@stats/core';
import type { OutgoingEncryption } from './crypto/index.js';
import { classify, createRetryWaits, toStatsError, withRetry, type RetryOptions, type RetryWaits } from './retry.js';
import { matrixSdkError } from './sdk-errors.js';

/** The most bytes `body` + `formatted_body` of one event may take (Synapse counts the whole signed event against 65,536). */
export const MAX_CONTENT_BYTES = 60_000;

/** Options of the sender's retries. */
export type SenderRetry = Pick<RetryOptions, 'attempts' | 'baseDelayMs' | 'maxDelayMs' | 'rateLimitRetries'>;

/** Who a reply answers. */
export interface ReplyTarget {
  readonly eventId: string;
  readonly sender: string;
}

/** A transaction id stable for one (key, index): the same reply gets the same id after a restart. */
export function stableTxnId(key: string, index: number): string {
  return `stats.${createHash('sha256').update(key).digest('base64url').slice(0, 22)}.${index}`;
}

/** A fresh transaction id (for sends that answer no event, such as scheduled reports). */
export function freshTxnId(): string {
  return `stats.${randomUUID()}`;
}

/** Splits plain text into pieces of at most `maxBytes` UTF-8 bytes, at line breaks where possible. */
export function splitPlain(text: string, maxBytes: number): string[] {
  const pieces: string[] = [];
  let current = '';
  const push = (): void => {
    if (current !== '') pieces.push(current);
    current = '';
  };
  for (const line of text.split('\n')) {
    const candidate = current === '' ? line : `${current}\n${line}`;
    if (Buffer.byteLength(candidate) <= maxBytes) {
      current = candidate;
      continue;
    }
    push();
    let rest = line;
    while (Buffer.byteLength(rest) > maxBytes) {
      let cut = Math.min(rest.length, maxBytes);
      while (Buffer.byteLength(rest.slice(0, cut)) > maxBytes) cut = Math.floor(cut * 0.9);
      pieces.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    current = rest;
  }
  push();
  return pieces.length > 0 ? pieces : [''];
}

/**
 * Builds the `m.notice` contents of rendered messages: `body` + `formatted_body`, the first one
 * a reply (`m.relates_to.m.in_reply_to`, no fallback, as spec v1.13 asks) that mentions the
 * sender (`m.mentions`); every later part carries an empty `m.mentions`, so no client falls
 * back to pinging names found in its body. A message still over the event limit is sent as
 * plain pieces.
 */
export function noticeContents(
  messages: readonly MatrixMessage[],
  replyTo: ReplyTarget | undefined,
): Record<string, unknown>[] {
  const contents: Record<string, unknown>[] = [];
  for (const message of messages) {
    const size =
      Buffer.byteLength(JSON.stringify(message.body)) + Buffer.byteLength(JSON.stringify(message.formatted_body));
    if (size <= MAX_CONTENT_BYTES) {
      contents.push({
        msgtype: 'm.notice',
        body: message.body,
        format: 'org.matrix.custom.html',
        formatted_body: message.formatted_body,
      });
    } else {
      for (const piece of splitPlain(message.body, MAX_CONTENT_BYTES / 2))
        contents.push({ msgtype: 'm.notice', body: piece });
    }
  }
  // Every part carries `m.mentions`: a part without it falls back to the legacy rules (a name in the body pings).
  for (const content of contents) content['m.mentions'] = {};
  const first = contents[0];
  if (first && replyTo) {
    first['m.relates_to'] = { 'm.in_reply_to': { event_id: replyTo.eventId } };
    first['m.mentions'] = { user_ids: [replyTo.sender] };
  }
  return contents;
}

/**
 * The contents an edit puts into the parts of a message: as {@link noticeContents} without a
 * reply, but an edit carries its text twice (fallback and `m.new_content`), so a part over half
 * the event limit is sent as plain pieces.
 */
export function editContents(messages: readonly MatrixMessage[]): Record<string, unknown>[] {
  const contents: Record<string, unknown>[] = [];
  for (const message of messages) {
    const size =
      Buffer.byteLength(JSON.stringify(message.body)) + Buffer.byteLength(JSON.stringify(message.formatted_body));
    if (size <= MAX_CONTENT_BYTES / 2) {
      contents.push({
        msgtype: 'm.notice',
        body: message.body,
        format: 'org.matrix.custom.html',
        formatted_body: message.formatted_body,
        'm.mentions': {},
      });
    } else {
      for (const piece of splitPlain(message.body, MAX_CONTENT_BYTES / 4))
        contents.push({ msgtype: 'm.notice', body: piece, 'm.mentions': {} });
    }
  }
  return contents;
}

/**
 * The content of an edit (`m.replace`) of the event `eventId` with a notice content (from
 * {@link editContents}): `m.new_content` for clients that show edits, a `* `-prefixed fallback
 * for those that do not.
 */
export function editContent(eventId: string, content: Record<string, unknown>): Record<string, unknown> {
  const fresh: Record<string, unknown> = { msgtype: 'm.notice', body: content['body'] };
  const html = typeof content['formatted_body'] === 'string';
  if (html) Object.assign(fresh, { format: 'org.matrix.custom.html', formatted_body: content['formatted_body'] });
  return {
    ...fresh,
    body: `* ${String(content['body'])}`,
    ...(html ? { formatted_body: `* ${String(content['formatted_body'])}` } : {}),
    'm.new_content': { ...fresh, 'm.mentions': {} },
    'm.relates_to': { rel_type: 'm.replace', event_id: eventId },
    'm.mentions': {},
  };
}

/**
 * Sends to the homeserver through matrix-bot-sdk's HTTP client with the adapter's retries.
 * Every send names its transaction id, and retries reuse it, so a retried send never makes a
 * second event (the homeserver answers a known transaction with the first event id).
 */
export class MatrixSender {
  /** Set when end-to-end encryption runs: events and media into encrypted rooms are encrypted first. */
  encryption: OutgoingEncryption | undefined;

  constructor(
    private readonly client: MatrixClient,
    private readonly logger: Logger,
    private readonly retry: SenderRetry,
    signal: AbortSignal,
    private readonly onUnknownToken: (err: unknown) => void,
  ) {
    this.waits = createRetryWaits(signal);
  }

  /** Every retry of this sender waits here: one listener on the adapter's signal. */
  private readonly waits: RetryWaits;

  /** Sends given up because the adapter stopped while they waited on the homeserver. */
  get abandoned(): number {
    return this.waits.abandoned;
  }

  private options(what: string): RetryOptions {
    return {
      ...this.retry,
      what,
      waits: this.waits,
      onUnknownToken: this.onUnknownToken,
      onRetry: (failure, delayMs, attempt) =>
        this.logger.warn(
          { what, kind: failure.kind, status: 'status' in failure ? failure.status : undefined, delayMs, attempt },
          `matrix ${what} failed; retrying`,
        ),
    };
  }

  /** Sends one event with a given transaction id; resolves to its event id. */
  async sendEvent(roomId: string, type: string, content: Record<string, unknown>, txnId: string): Promise<string> {
    try {
      // Encrypted once, before the retries: a retried PUT carries the same ciphertext.
      const sealed = await this.encryption?.encryptEvent(roomId, type, content);
      const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${encodeURIComponent(sealed?.type ?? type)}/${encodeURIComponent(txnId)}`;
      const answer = (await withRetry(
        () => this.client.doRequest('PUT', path, null, sealed?.content ?? content),
        this.options('send'),
      )) as { event_id?: unknown };
      if (sealed && this.encryption) {
        // Key upkeep runs between sends, not before the next one; it never fails this send.
        void this.encryption
          .afterSend(roomId)
          .catch((err: unknown) =>
            this.logger.warn(
              { err: matrixSdkError(err, 'share room key'), roomId },
              'could not share the room key again',
            ),
          );
      }
      return String(answer.event_id);
    } catch (err) {
      throw toStatsError(err, 'send');
    }
  }

  /** Uploads a PNG and sends it as `m.image` with `info`. */
  async sendImage(roomId: string, image: ImageAttachment, txnId: string): Promise<string> {
    let url: string;
    let sealed: Awaited<ReturnType<OutgoingEncryption['encryptAttachment']>>;
    try {
      // An encrypted room gets the encrypted bytes and `file` (key, iv, hashes) instead of `url`.
      sealed = await this.encryption?.encryptAttachment(roomId, image.png);
      const bytes = sealed ? Buffer.from(sealed.data) : Buffer.from(image.png);
      url = await withRetry(
        () => this.client.uploadContent(bytes, sealed ? 'application/octet-stream' : 'image/png', image.filename),
        this.options('upload'),
      );
    } catch (err) {
      throw toStatsError(err, 'upload');
    }
    const content: Record<string, unknown> = {
      msgtype: 'm.image',
      body: image.alt === '' ? image.filename : image.alt,
      filename: image.filename,
      ...(sealed ? { file: sealed.file(url) } : { url }),
      info: { mimetype: 'image/png', size: image.png.byteLength, w: image.width, h: image.height },
    };
    return this.sendEvent(roomId, 'm.room.message', content, txnId);
  }

  /**
   * Redacts an event. Without the power to (Synapse: 403 `M_FORBIDDEN` for a power-0 member)
   * the result says so instead of throwing.
   */
  async redact(roomId: string, eventId: string, reason: string): Promise<RedactResult> {
    const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/redact/${encodeURIComponent(eventId)}/${stableTxnId(`redact ${eventId}`, 0)}`;
    try {
      await withRetry(() => this.client.doRequest('PUT', path, null, { reason }), this.options('redact'));
      return { removed: true };
    } catch (err) {
      const failure = classify(err);
      const reasonCode = failure.kind === 'permanent' ? (failure.errcode ?? `HTTP ${failure.status}`) : failure.kind;
      this.logger.warn({ roomId, eventId, reason: reasonCode }, 'could not redact a message');
      return { removed: false, reason: reasonCode };
    }
  }

  /** Shows or clears the typing notification; failures only log (typing is cosmetic). */
  async typing(roomId: string, on: boolean): Promise<void> {
    try {
      await this.client.setTyping(roomId, on, 30_000);
    } catch (err) {
      this.logger.debug({ err: matrixSdkError(err, 'typing'), roomId }, 'typing notification failed');
    }
  }
}
