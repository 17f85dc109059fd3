import type { Logger } from 'pino';
import { StatsError, TimeoutError } from '../../errors/index.js';
import type { Metrics } from '../../metrics/index.js';
import type { AuthCallOptions, AuthProvider, DeviceLogin, LoginResult } from '../../sessions/index.js';
import { accountFromToken, asObject, finiteNumber, MISSING, nonEmptyString } from '../auth/index.js';
import { createUpstreamClient, MalformedAnswerError, type UpstreamResponse } from '../http/index.js';

/** Options of {@link createDeviceFlowClient}. */
export interface DeviceFlowOptions {
  /** `OIDC_ISSUER`; the discovery document is `<issuer>/.well-known/openid-configuration`. */
  readonly issuer: string;
  /** `OIDC_CLIENT_ID` (a public client). */
  readonly clientId: string;
  /** `OIDC_SCOPE` (default `openid email profile offline_access`). */
  readonly scope?: string;
  readonly metrics?: Metrics | undefined;
  readonly logger?: Logger | undefined;
  /** How long one protocol second lasts in ms (default 1000; tests shorten the polling). */
  readonly secondMs?: number;
  /** The clock (Unix ms). */
  readonly now?: () => number;
  /** Per-call budget in ms (default 10 000). */
  readonly timeoutMs?: number;
  /**
   * Device logins that may wait for confirmation at once, across all users
   * (`DEVICE_LOGIN_MAX_FLOWS`, default 50). A flow counts from its start until `wait()`
   * settles or its code expires; one more is refused with a `rate_limited` error.
   */
  readonly maxActiveFlows?: number;
}

/** The user messages of a device login's end; tests and translations key on them. */
export const DEVICE_MESSAGES = {
  denied: 'The login was denied. Send `login` again to start over.',
  expired: 'The login code expired before it was confirmed. Send `login` again for a new code.',
  refreshRejected: 'Your session has ended. Please log in again.',
  busy: 'Too many logins are waiting for confirmation right now. Please try again in a few minutes.',
} as const;

/** The endpoints of the discovery document this client uses. */
interface Discovery {
  readonly device_authorization_endpoint: string;
  readonly token_endpoint: string;
}

/** A device authorization answer (RFC 8628 §3.2). */
interface DeviceGrant {
  readonly device_code: string;
  readonly user_code: string;
  readonly verification_uri?: string;
  readonly verification_url?: string;
  readonly verification_uri_complete?: string;
  readonly expires_in: number;
  readonly interval?: number;
}

const isUrl = (value: unknown): value is string => typeof value === 'string' && URL.canParse(value);

/** The discovery document's two endpoints, both absolute URLs; `undefined` otherwise. */
function readDiscovery(value: unknown): Discovery | undefined {
  const doc = asObject(value);
  const device = doc?.['device_authorization_endpoint'];
  const token = doc?.['token_endpoint'];
  return isUrl(device) && isUrl(token) ? { device_authorization_endpoint: device, token_endpoint: token } : undefined;
}

/** A device authorization answer, checked field by field; `undefined` when malformed. */
function readDeviceGrant(value: unknown): DeviceGrant | undefined {
  const doc = asObject(value);
  if (doc === undefined) return undefined;
  const deviceCode = nonEmptyString(doc['device_code']);
  const userCode = nonEmptyString(doc['user_code']);
  const uri = nonEmptyString(doc['verification_uri']);
  const url = nonEmptyString(doc['verification_url']);
  const complete = doc['verification_uri_complete'];
  const expiresIn = finiteNumber(doc['expires_in']);
  const interval = finiteNumber(doc['interval']);
  if (typeof deviceCode !== 'string' || typeof userCode !== 'string' || uri === undefined || url === undefined)
    return undefined;
  if (complete !== undefined && typeof complete !== 'string') return undefined;
  if (
    typeof expiresIn !== 'number' ||
    expiresIn <= 0 ||
    interval === undefined ||
    (interval !== MISSING && interval <= 0)
  )
    return undefined;
  return {
    device_code: deviceCode,
    user_code: userCode,
    expires_in: expiresIn,
    ...(uri === MISSING ? {} : { verification_uri: uri }),
    ...(url === MISSING ? {} : { verification_url: url }),
    ...(complete === undefined ? {} : { verification_uri_complete: complete }),
    ...(interval === MISSING ? {} : { interval }),
  };
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted)
      return reject(
        new TimeoutError('oidc', 'Device login aborted', 'The login was cancelled. Send `login` again to start over.'),
      );
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(
        new TimeoutError('oidc', 'Device login aborted', 'The login was cancelled. Send `login` again to start over.'),
      );
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A provider for any OIDC server with the OAuth 2.0 Device Authorization Grant (RFC 8628):
 * the user opens a link and confirms a code; the bot polls the token endpoint with the
 * server's `interval` (+5 s on `slow_down`) until approval, denial or expiry. No password ever
 * travels through chat. Refresh uses `grant_type=refresh_token`.
 *
 * @example
 * const oidc = createDeviceFlowClient({ issuer: 'https://id.example.org', clientId: 'stats-bot' });
 * const login = await oidc.startDeviceLogin();
 * console.log(`Open ${login.verificationUriComplete ?? login.verificationUri} and enter ${login.userCode}`);
 * const tokens = await login.wait({ signal });
 */
export function createDeviceFlowClient(
  options: DeviceFlowOptions,
): AuthProvider & { startDeviceLogin: NonNullable<AuthProvider['startDeviceLogin']> } {
  const now = options.now ?? Date.now;
  const second = options.secondMs ?? 1000;
  const scope = options.scope ?? 'openid email profile offline_access';
  const maxActive = options.maxActiveFlows ?? 50;
  /** Flows waiting for confirmation; an entry leaves when its wait settles or its code expires. */
  const active = new Set<{ expiresAt: number }>();
  const admit = (): { expiresAt: number } => {
    for (const flow of active) if (flow.expiresAt <= now()) active.delete(flow);
    if (active.size >= maxActive)
      throw new StatsError(
        'rate_limited',
        `${active.size} device logins are waiting (DEVICE_LOGIN_MAX_FLOWS)`,
        DEVICE_MESSAGES.busy,
      );
    const flow = { expiresAt: now() + 15 * 60_000 };
    active.add(flow);
    return flow;
  };
  const http = createUpstreamClient({
    source: 'oidc',
    name: 'The login provider',
    baseUrl: options.issuer,
    metrics: options.metrics,
    logger: options.logger,
    timeoutMs: options.timeoutMs ?? 10_000,
    now,
  });
  let discovery: Promise<Discovery> | undefined;
  const discover = (o?: AuthCallOptions): Promise<Discovery> =>
    (discovery ??= (async () => {
      const { body } = await http.json({
        path: '.well-known/openid-configuration',
        ...(o?.signal ? { signal: o.signal } : {}),
      });
      const read = readDiscovery(body);
      if (read === undefined)
        throw new MalformedAnswerError('oidc', 'The login provider', 'discovery without device_authorization_endpoint');
      return read;
    })().catch((err: unknown) => {
      discovery = undefined;
      throw err;
    }));
  const body = (res: UpstreamResponse): unknown => {
    try {
      return JSON.parse(res.text) as unknown;
    } catch (err) {
      throw new MalformedAnswerError('oidc', 'The login provider', 'not JSON', { cause: err });
    }
  };
  const tokens = (res: UpstreamResponse): LoginResult | undefined => {
    const answer = asObject(body(res));
    const accessToken = nonEmptyString(answer?.['access_token']);
    const refreshToken = nonEmptyString(answer?.['refresh_token']);
    if (typeof accessToken !== 'string' || refreshToken === undefined)
      throw new MalformedAnswerError('oidc', 'The login provider', 'token answer without access_token');
    return {
      account: accountFromToken(accessToken),
      accessToken,
      refreshToken: refreshToken === MISSING ? '' : refreshToken,
    };
  };

  return {
    name: 'oidc',
    async refresh(refreshToken, o) {
      const { token_endpoint } = await discover(o);
      if (refreshToken === '')
        throw new StatsError('auth', 'No refresh token was issued', DEVICE_MESSAGES.refreshRejected);
      const res = await http.request({
        method: 'POST',
        path: token_endpoint,
        form: { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: options.clientId },
        accept: [400, 401],
        ...(o?.signal ? { signal: o.signal } : {}),
      });
      if (res.status !== 200)
        throw new StatsError('auth', `Refresh token rejected (HTTP ${res.status})`, DEVICE_MESSAGES.refreshRejected);
      return tokens(res) as LoginResult;
    },
    async startDeviceLogin(o) {
      const flow = admit();
      let grant: DeviceGrant;
      let tokenEndpoint: string;
      try {
        const { device_authorization_endpoint, token_endpoint } = await discover(o);
        tokenEndpoint = token_endpoint;
        const { body: answer } = await http.json({
          method: 'POST',
          path: device_authorization_endpoint,
          form: { client_id: options.clientId, scope },
          ...(o?.signal ? { signal: o.signal } : {}),
        });
        const read = readDeviceGrant(answer);
        if (read === undefined)
          throw new MalformedAnswerError(
            'oidc',
            'The login provider',
            'device authorization without device_code/user_code',
          );
        grant = read;
      } catch (err) {
        active.delete(flow);
        throw err;
      }
      const expiresAt = now() + grant.expires_in * second;
      flow.expiresAt = expiresAt;
      const verificationUri = grant.verification_uri ?? grant.verification_url ?? options.issuer;
      const login: DeviceLogin = {
        userCode: grant.user_code,
        verificationUri,
        ...(grant.verification_uri_complete !== undefined
          ? { verificationUriComplete: grant.verification_uri_complete }
          : {}),
        expiresAt,
        async wait(w) {
          try {
            return await poll(w);
          } finally {
            active.delete(flow);
          }
        },
      };
      const poll = async (w: AuthCallOptions | undefined): Promise<LoginResult> => {
        let interval = (grant.interval ?? 5) * second;
        for (;;) {
          await wait(interval, w?.signal);
          if (now() >= expiresAt)
            throw new StatsError('auth', 'Device code expired (local clock)', DEVICE_MESSAGES.expired);
          const res = await http.request({
            method: 'POST',
            path: tokenEndpoint,
            form: { grant_type: DEVICE_GRANT, device_code: grant.device_code, client_id: options.clientId },
            accept: [400, 401, 403],
            ...(w?.signal ? { signal: w.signal } : {}),
          });
          if (res.status === 200) return tokens(res) as LoginResult;
          const error = asObject(body(res))?.['error'];
          const code = typeof error === 'string' ? error : `http_${res.status}`;
          if (code === 'authorization_pending') continue;
          if (code === 'slow_down') {
            interval += 5 * second;
            continue;
          }
          if (code === 'access_denied') throw new StatsError('auth', 'Device login denied', DEVICE_MESSAGES.denied);
          if (code === 'expired_token') throw new StatsError('auth', 'Device code expired', DEVICE_MESSAGES.expired);
          throw new StatsError(
            'upstream',
            `Device login failed: ${code}`,
            'The login provider refused the login. Please try again later.',
          );
        }
      };
      return login;
    },
  };
}
