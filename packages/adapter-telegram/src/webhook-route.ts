import { createHash, timingSafeEqual } from 'node:crypto';
import type { AdapterContext, HttpHandler, Metrics } from '@stats/core';
import type { Update } from 'grammy/types';

/** The header Telegram sends the webhook secret in. */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/** True when `given` equals `expected`, in time that does not depend on where they differ. */
export function secretMatches(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  // Hash both so the comparison also takes the same time for different lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  readonly secret: string;
  readonly metrics: Metrics;
  readonly logger: AdapterContext['logger'];
  /** False while the adapter stops: updates get 503 so Telegram delivers them again later. */
  readonly accepting: () => boolean;
  /** Handles one update; the answer to Telegram waits for it. */
  readonly onUpdate: (update: Update) => Promise<void>;
}

/**
 * The route handler Telegram POSTs updates to. A missing or wrong
 * `X-Telegram-Bot-Api-Secret-Token` is refused with 401 and counted in
 * `stats_webhook_rejected_total{source="telegram",reason="secret"}`; a body that is not an
 * update gets 400; while the adapter stops, 503 (Telegram retries); otherwise the update is handled and 200 returned.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): HttpHandler {
  return async (request, response, body) => {
    const header = request.headers[SECRET_HEADER];
    if (!secretMatches(typeof header === 'string' ? header : undefined, options.secret)) {
      options.metrics.webhookRejected.inc({ source: 'telegram', reason: 'secret' });
      options.logger.warn({ remote: request.socket.remoteAddress }, 'telegram webhook refused: wrong or missing secret token');
      response.writeHead(401, { 'content-type': 'text/plain' }).end('secret token mismatch');
      return;
    }
    if (!options.accepting()) {
      response.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '5' }).end('stopping');
      return;
    }
    let update: Update;
    try {
      update = JSON.parse(body.toString('utf8')) as Update;
      if (typeof update.update_id !== 'number') throw new TypeError('no update_id');
    } catch {
      options.metrics.webhookRejected.inc({ source: 'telegram', reason: 'malformed' });
      response.writeHead(400, { 'content-type': 'text/plain' }).end('not a Telegram update');
      return;
    }
    try {
      await options.onUpdate(update);
    } catch (error) {
      // The error was logged by the bot's error handler; Telegram must not redeliver it forever.
      options.logger.debug({ err: error }, 'telegram webhook update failed');
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  };
}
