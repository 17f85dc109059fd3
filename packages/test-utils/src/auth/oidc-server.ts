import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerSecret } from '../log-scan.js';
import { applyFailure, FailurePlan, readBody, sendJson, type Failure } from './http-kit.js';
import { createTokenSigner, type TokenSigner } from './token-signer.js';

/** Options of {@link startOidcServer}. */
export interface OidcServerOptions {
  /** The polling interval the server asks for, seconds (default 5). */
  readonly intervalSeconds?: number;
  /** How long a device code lives, seconds (default 600). */
  readonly expiresInSeconds?: number;
  /** The client id it accepts (default `stats-bot`). */
  readonly clientId?: string;
  /** Access-token lifetime, seconds (default 900). */
  readonly accessTtlSeconds?: number;
}

/** The account an approval logs in. */
export interface OidcAccount {
  readonly sub: string;
  readonly email?: string;
}

type State = 'pending' | 'approved' | 'denied' | 'expired';

interface Grant {
  readonly deviceCode: string;
  readonly userCode: string;
  state: State;
  account: OidcAccount | undefined;
  slowDowns: number;
  polls: number;
  readonly waiters: { n: number; resolve: () => void }[];
}

/** A running device-flow OIDC stand-in (RFC 8628 + discovery + refresh_token grant). */
export interface RunningOidcServer {
  /** The issuer (= its URL); discovery at `/.well-known/openid-configuration`. */
  readonly url: string;
  readonly clientId: string;
  readonly signer: TokenSigner;
  /** Resolves the user code of the oldest device authorization not yet handed out here (waits for one). */
  nextUserCode(): Promise<string>;
  /** Resolves once the token endpoint has been polled `n` times for this code. */
  waitForPolls(userCode: string, n: number): Promise<void>;
  approve(userCode: string, account: OidcAccount): void;
  deny(userCode: string): void;
  expire(userCode: string): void;
  /** The next `times` polls of this code answer `slow_down`. */
  slowDown(userCode: string, times?: number): void;
  /** Token-endpoint polls for this code so far. */
  polls(userCode: string): number;
  /** Calls per endpoint: `discovery`, `device`, `token`, `refresh`. */
  calls(endpoint: 'discovery' | 'device' | 'token' | 'refresh'): number;
  fail(endpoint: 'discovery' | 'device' | 'token' | 'refresh', failure: Failure, times?: number): void;
  stop(): Promise<void>;
}

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** Starts the device-flow OIDC stand-in on 127.0.0.1, port 0. */
export async function startOidcServer(options: OidcServerOptions = {}): Promise<RunningOidcServer> {
  const clientId = options.clientId ?? 'stats-bot';
  const interval = options.intervalSeconds ?? 5;
  const expiresIn = options.expiresInSeconds ?? 600;
  const accessTtl = options.accessTtlSeconds ?? 900;
  const grants = new Map<string, Grant>();
  const byUserCode = new Map<string, Grant>();
  const refreshTokens = new Map<string, { account: OidcAccount; used: boolean }>();
  const counts = new Map<string, number>();
  const failures = new FailurePlan();
  const codeWaiters: ((code: string) => void)[] = [];
  const unclaimed: string[] = [];
  let signer: TokenSigner | undefined;

  const tokens = async (account: OidcAccount): Promise<Record<string, unknown>> => {
    const refresh = randomBytes(24).toString('base64url');
    refreshTokens.set(refresh, { account, used: false });
    const access = await (signer as TokenSigner).sign(
      account.email === undefined ? { sub: account.sub } : { sub: account.sub, email: account.email },
      accessTtl,
    );
    registerSecret(access, 'OIDC access token');
    registerSecret(refresh, 'OIDC refresh token');
    return {
      access_token: access,
      refresh_token: refresh,
      id_token: access,
      token_type: 'Bearer',
      expires_in: accessTtl,
    };
  };
  const grantOf = (userCode: string): Grant => {
    const grant = byUserCode.get(userCode);
    if (!grant) throw new Error(`No device authorization with user code ${userCode}`);
    return grant;
  };
  const count = (name: string): void => void counts.set(name, (counts.get(name) ?? 0) + 1);

  const server = createServer((req, res) => {
    void (async () => {
      const path = (req.url ?? '/').split('?')[0];
      const form = new URLSearchParams(await readBody(req));
      if (req.method === 'GET' && path === '/.well-known/openid-configuration') {
        count('discovery');
        if (await applyFailure(res, failures.take('discovery'))) return;
        return sendJson(res, 200, {
          issuer: url,
          device_authorization_endpoint: `${url}/oauth/device/code`,
          token_endpoint: `${url}/oauth/token`,
          jwks_uri: `${url}/.well-known/jwks.json`,
          grant_types_supported: [DEVICE_GRANT, 'refresh_token'],
        });
      }
      if (req.method === 'GET' && path === '/.well-known/jwks.json')
        return sendJson(res, 200, (signer as TokenSigner).jwks);
      if (req.method === 'POST' && path === '/oauth/device/code') {
        count('device');
        if (await applyFailure(res, failures.take('device'))) return;
        if (form.get('client_id') !== clientId) return sendJson(res, 401, { error: 'invalid_client' });
        const userCode = `${randomBytes(2).toString('hex')}-${randomBytes(2).toString('hex')}`.toUpperCase();
        const grant: Grant = {
          deviceCode: randomBytes(16).toString('base64url'),
          userCode,
          state: 'pending',
          account: undefined,
          slowDowns: 0,
          polls: 0,
          waiters: [],
        };
        grants.set(grant.deviceCode, grant);
        byUserCode.set(userCode, grant);
        const wake = codeWaiters.shift();
        if (wake) wake(userCode);
        else unclaimed.push(userCode);
        return sendJson(res, 200, {
          device_code: grant.deviceCode,
          user_code: userCode,
          verification_uri: `${url}/device`,
          verification_uri_complete: `${url}/device?user_code=${userCode}`,
          expires_in: expiresIn,
          interval,
        });
      }
      if (req.method === 'POST' && path === '/oauth/token') {
        const grantType = form.get('grant_type');
        if (grantType === 'refresh_token') {
          count('refresh');
          if (await applyFailure(res, failures.take('refresh'))) return;
          const entry = refreshTokens.get(form.get('refresh_token') ?? '');
          if (!entry || entry.used) return sendJson(res, 400, { error: 'invalid_grant' });
          entry.used = true;
          return sendJson(res, 200, await tokens(entry.account));
        }
        count('token');
        if (await applyFailure(res, failures.take('token'))) return;
        if (grantType !== DEVICE_GRANT) return sendJson(res, 400, { error: 'unsupported_grant_type' });
        const grant = grants.get(form.get('device_code') ?? '');
        if (!grant || form.get('client_id') !== clientId) return sendJson(res, 400, { error: 'invalid_grant' });
        grant.polls += 1;
        for (const waiter of grant.waiters.filter((w) => w.n <= grant.polls)) {
          grant.waiters.splice(grant.waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
        if (grant.slowDowns > 0) {
          grant.slowDowns -= 1;
          return sendJson(res, 400, { error: 'slow_down' });
        }
        if (grant.state === 'pending') return sendJson(res, 400, { error: 'authorization_pending' });
        if (grant.state === 'denied') return sendJson(res, 400, { error: 'access_denied' });
        if (grant.state === 'expired') return sendJson(res, 400, { error: 'expired_token' });
        grants.delete(grant.deviceCode);
        return sendJson(res, 200, await tokens(grant.account as OidcAccount));
      }
      sendJson(res, 404, { error: 'not_found' });
    })().catch(() => {
      if (!res.headersSent) sendJson(res, 500, { error: 'server_error' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  signer = await createTokenSigner(url);

  return {
    url,
    clientId,
    signer,
    nextUserCode: () => {
      const code = unclaimed.shift();
      return code !== undefined ? Promise.resolve(code) : new Promise<string>((resolve) => codeWaiters.push(resolve));
    },
    waitForPolls: (userCode, n) => {
      const grant = grantOf(userCode);
      if (grant.polls >= n) return Promise.resolve();
      return new Promise<void>((resolve) => grant.waiters.push({ n, resolve }));
    },
    approve: (userCode, account) => {
      const grant = grantOf(userCode);
      grant.state = 'approved';
      grant.account = account;
    },
    deny: (userCode) => void (grantOf(userCode).state = 'denied'),
    expire: (userCode) => void (grantOf(userCode).state = 'expired'),
    slowDown: (userCode, times = 1) => void (grantOf(userCode).slowDowns += times),
    polls: (userCode) => grantOf(userCode).polls,
    calls: (endpoint) => counts.get(endpoint) ?? 0,
    fail: (endpoint, failure, times) => failures.add(endpoint, failure, times),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
