/**
 * POSTs one firing alert to a bot's Alertmanager webhook (`/webhooks/alertmanager` on `baseUrl`)
 * as Alertmanager's webhook receiver sends it (payload version 4), with `token` as the bearer.
 * Resolves with the bot's response; rejects only when the request cannot be made.
 */
export function postFiringAlert(baseUrl: string, token: string, alertname: string): Promise<Response> {
  return fetch(`${baseUrl}/webhooks/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      version: '4',
      status: 'firing',
      receiver: 'stats',
      groupKey: 'g',
      alerts: [
        {
          status: 'firing',
          labels: { alertname },
          annotations: {},
          fingerprint: 'f1',
          startsAt: new Date().toISOString(),
        },
      ],
    }),
  });
}
