/**
 * The wire of the Bot API stand-in: reading requests (JSON and multipart), writing the
 * envelope, and the flood-control bucket.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiFailure } from './bot-api-methods.js';
import { parseMultipart, type FilePart } from './multipart.js';

/** Reads a request body. */
export function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Decodes a JSON or multipart payload; multipart fields that hold JSON are parsed. */
export function decodePayload(
  body: Buffer,
  contentType: string,
): { payload: Record<string, unknown>; files: Record<string, FilePart> } {
  if (body.length === 0) return { payload: {}, files: {} };
  if (contentType.startsWith('multipart/form-data')) {
    const { fields, files } = parseMultipart(body, contentType);
    const payload: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
      try {
        payload[key] = /^[[{]/.test(value) || /^-?\d+$/.test(value) ? JSON.parse(value) : value;
      } catch {
        payload[key] = value;
      }
    }
    return { payload, files };
  }
  return { payload: JSON.parse(body.toString('utf8')) as Record<string, unknown>, files: {} };
}

/** Writes a JSON answer unless the connection is gone. */
export function send(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (response.writableEnded || response.destroyed) return;
  response.writeHead(status, { 'content-type': 'application/json', ...headers });
  response.end(JSON.stringify(body));
}

/** Writes the Bot API error envelope (with `retry_after` and `Retry-After` for a 429). */
export function sendFailure(response: ServerResponse, failure: ApiFailure): void {
  const retry = failure.retryAfter;
  const body = {
    ok: false,
    error_code: failure.status,
    description: failure.description,
    ...(retry === undefined ? {} : { parameters: { retry_after: retry } }),
  };
  send(response, failure.status, body, retry === undefined ? {} : { 'retry-after': String(retry) });
}

/** The methods Telegram's flood control counts. */
export const RATED = new Set(['sendmessage', 'sendphoto', 'editmessagetext']);

/** A token bucket; `take()` answers 0 when a token was taken, else ms until one is there. */
export function bucket(perSecond: number, burst: number): { take(): number } {
  let tokens = burst;
  let at = performance.now();
  return {
    take() {
      const now = performance.now();
      tokens = Math.min(burst, tokens + ((now - at) / 1000) * perSecond);
      at = now;
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return ((1 - tokens) / perSecond) * 1000;
    },
  };
}
