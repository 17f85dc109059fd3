import { TimeoutError, UnreachableError, UpstreamError } from '../../errors/index.js';
import { loadUndici } from '../../sources/index.js';

/** A label matcher of a silence. */
export interface Matcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  readonly isEqual?: boolean;
}

/** A silence to create. */
export interface NewSilence {
  readonly matchers: readonly Matcher[];
  readonly startsAt: Date;
  readonly endsAt: Date;
  /** Who silenced (the logged-in user). */
  readonly createdBy: string;
  readonly comment: string;
}

/** An active alert as `GET /api/v2/alerts` lists it. */
export interface ActiveAlert {
  readonly fingerprint: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly status: { readonly state: string };
}

/** The Alertmanager API v2 calls the bot makes. */
export interface AlertmanagerClient {
  /** Creates a silence; resolves with its id. */
  createSilence(silence: NewSilence, options?: { readonly signal?: AbortSignal }): Promise<string>;
  /** The alerts Alertmanager knows (active, silenced and inhibited ones too). */
  alerts(options?: { readonly signal?: AbortSignal }): Promise<ActiveAlert[]>;
}

/** Options of {@link createAlertmanagerClient}. */
export interface AlertmanagerClientOptions {
  /** `ALERTMANAGER_URL`, e.g. `http://alertmanager:9093`. */
  readonly url: string;
  /** Per request (default 10 s). */
  readonly timeoutMs?: number;
}

/**
 * A small Alertmanager API v2 client on undici.
 *
 * @throws UpstreamError (`alertmanager`, with status) when it answers with an error,
 *   UnreachableError when it cannot be reached, TimeoutError when it is too slow.
 */
export function createAlertmanagerClient(options: AlertmanagerClientOptions): AlertmanagerClient {
  const base = options.url.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function call<T>(
    method: 'GET' | 'POST',
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let res;
    try {
      const { request } = await loadUndici();
      res = await request(`${base}/api/v2${path}`, {
        method,
        signal: combined,
        headers:
          body === undefined
            ? { accept: 'application/json' }
            : { accept: 'application/json', 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      if (combined.aborted)
        throw new TimeoutError(
          'alertmanager',
          `Alertmanager ${method} ${path} timed out`,
          'Alertmanager did not answer in time.',
          { cause: error },
        );
      throw new UnreachableError(
        'alertmanager',
        `Alertmanager ${method} ${path} unreachable`,
        'Alertmanager is unreachable right now.',
        { cause: error },
      );
    }
    const text = await res.body.text();
    if (res.statusCode >= 400) {
      const status = res.statusCode;
      throw new UpstreamError(
        'alertmanager',
        status,
        `Alertmanager ${method} ${path} answered ${status}: ${text.slice(0, 200)}`,
        status >= 500 ? 'Alertmanager failed; please try again later.' : `Alertmanager refused: ${text.slice(0, 120)}`,
        status >= 500 || status === 429,
      );
    }
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  return {
    async createSilence(silence, callOptions = {}) {
      const body = {
        matchers: silence.matchers.map((m) => ({
          name: m.name,
          value: m.value,
          isRegex: m.isRegex,
          isEqual: m.isEqual ?? true,
        })),
        startsAt: silence.startsAt.toISOString(),
        endsAt: silence.endsAt.toISOString(),
        createdBy: silence.createdBy,
        comment: silence.comment,
      };
      const answer = await call<{ silenceID: string }>('POST', '/silences', body, callOptions.signal);
      return answer.silenceID;
    },
    alerts: (callOptions = {}) =>
      call<ActiveAlert[]>('GET', '/alerts?active=true&silenced=true&inhibited=true', undefined, callOptions.signal),
  };
}
