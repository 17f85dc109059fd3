import { UpstreamError } from '../../errors/index.js';

/**
 * The upstream answered 2xx, but with a body the client cannot read (not JSON, or not the
 * documented shape). Not retryable: asking again gives the same answer.
 */
export class MalformedAnswerError extends UpstreamError {
  constructor(source: string, name: string, detail: string, options?: ErrorOptions) {
    super(
      source,
      200,
      `${name} sent an answer that could not be read: ${detail}`,
      `${name} sent an answer the bot could not read.`,
      false,
      options,
    );
  }
}

/** Shortens upstream text (an error body) to one line for a log message or a chat reply. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The short chat text for an upstream's HTTP error status. */
export function statusUserMessage(
  name: string,
  status: number,
  detail: string | undefined,
  retryAfterMs: number | undefined,
): string {
  if (status === 401 || status === 403)
    return `${name} refused the bot's request (HTTP ${status}): check its credentials and permissions.`;
  if (status === 404) return `${name} does not know this endpoint (HTTP 404): check its URL.`;
  if (status === 429) {
    const wait = retryAfterMs === undefined ? '' : ` in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`;
    return `${name} is rate limiting the bot. Please try again${wait}.`;
  }
  if (status >= 500) return `${name} answered with a server error (HTTP ${status}). Please try again later.`;
  return detail
    ? `${name} rejected the request (HTTP ${status}): ${oneLine(detail, 160)}`
    : `${name} rejected the request (HTTP ${status}).`;
}

/** Whether an HTTP status may succeed when asked again. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status === 502 || status === 503 || status === 504 || status === 500;
}

/**
 * Parses a `Retry-After` header (seconds or an HTTP date) into milliseconds from `now`.
 * Returns `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw.trim())) return Math.round(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
