/**
 * Webhook delivery of the Bot API stand-in: each pending update POSTed to the bot's URL with
 * the secret header, one after another, as the real server's WebhookActor does.
 */
import type { BotApiState } from './bot-api-state.js';
import type { WebhookDelivery, WebhookState } from './bot-api-types.js';

/**
 * Returns a function that starts delivering pending updates (no-op while a delivery runs).
 * The stand-in does not retry: a refused update is recorded once and dropped.
 */
export function createWebhookDelivery(
  state: BotApiState,
  webhook: () => WebhookState | undefined,
  deliveries: WebhookDelivery[],
): () => void {
  let delivering = false;
  const deliver = async (): Promise<void> => {
    for (;;) {
      const hook = webhook();
      const update = state.updates[0];
      if (!hook || !update) return;
      let status = 0;
      try {
        const answer = await fetch(hook.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(hook.secret ? { 'x-telegram-bot-api-secret-token': hook.secret } : {}),
          },
          body: JSON.stringify(update),
        });
        status = answer.status;
        await answer.arrayBuffer();
      } catch {
        status = 0;
      }
      deliveries.push({ updateId: update.update_id, status });
      if (state.updates[0] === update) state.updates.shift();
      state.changed();
    }
  };
  return () => {
    if (delivering) return;
    delivering = true;
    // A failure inside deliver() stays an unhandled rejection on purpose: Vitest then fails the test.
    void deliver().finally(() => {
      delivering = false;
    });
  };
}
