import type { ServerResponse } from 'node:http';
import type { HttpRoutes } from '../../chat/index.js';
import { STATUS_COOKIE, sameSecret, statusAuthorized, statusCookieValue } from './status-auth.js';
import { STATUS_STYLE_HASH, renderStatusLogin, renderStatusPage } from './status-html.js';
import type { StatusSnapshot } from './status-model.js';

/** Options of {@link registerStatusPage}. */
export interface StatusPageOptions {
  /** The bot's name in the page title. */
  readonly name: string;
  /** `STATUS_TOKEN`: required in `Authorization: Bearer …` or through the login form. */
  readonly token: string;
  /** Reads the current state. */
  readonly snapshot: () => Promise<StatusSnapshot>;
}

/** Security headers of every status response: no script, no framing, no sniffing, no caching, no referrer. */
export const STATUS_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': `default-src 'none'; style-src '${STATUS_STYLE_HASH}'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function send(
  response: ServerResponse,
  status: number,
  html: string,
  extra: Record<string, string | string[]> = {},
): void {
  response.writeHead(status, {
    ...STATUS_SECURITY_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    ...extra,
  });
  response.end(html);
}

/**
 * Adds `GET /status` (the page, or the login form with 401 without the token) and `POST
 * /status` (the login form's target: a right token sets an HttpOnly, SameSite=Strict cookie
 * derived from it and redirects to the page) to the bot's HTTP server.
 */
export function registerStatusPage(routes: HttpRoutes, options: StatusPageOptions): void {
  if (options.token.length < 16) throw new TypeError('the status page token must be at least 16 characters');
  routes.route('GET', '/status', async (request, response) => {
    if (!statusAuthorized(request, options.token)) {
      send(response, 401, renderStatusLogin(options.name), { 'www-authenticate': 'Bearer realm="stats status"' });
      return;
    }
    send(response, 200, renderStatusPage(await options.snapshot()));
  });
  routes.route('POST', '/status', (request, response, body) => {
    const given = new URLSearchParams(body.toString('utf8')).get('token') ?? '';
    if (!sameSecret(given, options.token)) {
      send(response, 401, renderStatusLogin(options.name, 'Wrong token.'));
      return;
    }
    const secure = request.headers['x-forwarded-proto'] === 'https' ? '; Secure' : '';
    send(response, 303, renderStatusLogin(options.name), {
      location: '/status',
      'set-cookie': `${STATUS_COOKIE}=${statusCookieValue(options.token)}; Path=/status; HttpOnly; SameSite=Strict; Max-Age=43200${secure}`,
    });
  });
}
