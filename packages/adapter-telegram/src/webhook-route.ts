import { createHash, timingSafeEqual } from 'node:crypto';
import type { AdapterContext, HttpRoute, AdapterMetrics } from '@stats/core';
import type { Update } from 'grammy/types';

/** The header Telegram sends the webhook secret in. */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * The largest update body accepted, bytes. Telegram's updates are small JSON documents (a
 * message with its entities, at most 4096 characters of text); 1 MiB leaves ample room.
 */
export const WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;

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
  readonly metrics: AdapterMetrics;
  readonly logger: AdapterContext['logger'];
  /** False while the adapter stops: updates get 503 so Telegram delivers them again later. */
  readonly accepting: () => boolean;
  /** Handles one update; the answer to Telegram waits for it. */
  readonly onUpdate: (update: Update) => Promise<void>;
}

/**
 * The route Telegram POSTs updates to. The secret is checked from the headers before the body
 * is read: a missing or wrong `X-Telegram-Bot-Api-Secret-Token` is refused with 401 (the
 * server never reads the body) and counted in
 * `stats_webhook_rejected_total{source="telegram",reason="secret"}`; bodies over
 * {@link WEBHOOK_MAX_BODY_BYTES} get 413; a body that is not an update gets 400; while the
 * adapter stops, 503 (Telegram retries); otherwise the update is handled and 200 returned.
 */
export function createWebhookHandler(options: WebhookHandlerOptions): HttpRoute {
  return {
    maxBodyBytes: WEBHOOK_MAX_BODY_BYTES,
    authorize(request) {
      const header = request.headers[SECRET_HEADER];
      if (secretMatches(typeof header === 'string' ? header : undefined, options.secret)) return undefined;
      options.metrics.webhookRejected.inc({ source: 'telegram', reason: 'secret' });
      options.logger.warn(
        { remote: request.socket.remoteAddress },
        'telegram webhook refused: wrong or missing secret token',
      );
      return { status: 401, headers: { 'content-type': 'text/plain' }, body: 'secret token mismatch' };
    },
    async handle(_request, response, body) {
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
    },
  };
}
