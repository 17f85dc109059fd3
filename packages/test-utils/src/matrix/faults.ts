/** A fault the homeserver stand-in injects into matching requests. */
export interface MatrixFault {
  /** Matches the request path (after `/_matrix`), e.g. `/send/` or `/^\/client\/v3\/sync/`. */
  readonly path: string | RegExp;
  /** Only this method (default any). */
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** How many matching requests fail (default 1). */
  readonly times?: number;
  /** The HTTP status (default 500). */
  readonly status?: number;
  /** The Matrix error code of the JSON body (default by status: 429 `M_LIMIT_EXCEEDED`, 401 `M_UNKNOWN_TOKEN`, else `M_UNKNOWN`). */
  readonly errcode?: string;
  /** For 429: `retry_after_ms` in the body and `Retry-After` (rounded up to seconds) as a header. */
  readonly retryAfterMs?: number;
  /** A raw body instead of the JSON error (a proxy's HTML 502 page). */
  readonly rawBody?: string;
  /** Holds the answer this long before failing (a slow homeserver). */
  readonly delayMs?: number;
  /** Drops the connection instead of answering (a network error). */
  readonly drop?: boolean;
  /**
   * Handles the request normally, then drops the connection instead of sending the answer:
   * the event exists but the client never heard so (it must retry with the same txnId).
   */
  readonly dropAfterApply?: boolean;
}

/** A fault with its remaining count. */
export interface ActiveFault {
  readonly fault: MatrixFault;
  remaining: number;
}

/** The first active fault that matches, its count decremented; undefined when none matches. */
export function takeFault(faults: ActiveFault[], method: string, path: string): MatrixFault | undefined {
  for (const active of faults) {
    if (active.remaining <= 0) continue;
    const { fault } = active;
    if (fault.method !== undefined && fault.method !== method) continue;
    const hit = typeof fault.path === 'string' ? path.includes(fault.path) : fault.path.test(path);
    if (!hit) continue;
    active.remaining -= 1;
    return fault;
  }
  return undefined;
}

/** The JSON error body of a fault (Synapse's shapes). */
export function faultBody(fault: MatrixFault): Record<string, unknown> {
  const status = fault.status ?? 500;
  const errcode =
    fault.errcode ?? (status === 429 ? 'M_LIMIT_EXCEEDED' : status === 401 ? 'M_UNKNOWN_TOKEN' : 'M_UNKNOWN');
  const error =
    status === 429 ? 'Too Many Requests' : status === 401 ? 'Invalid access token passed.' : 'Internal server error';
  const body: Record<string, unknown> = { errcode, error };
  if (status === 429) body['retry_after_ms'] = fault.retryAfterMs ?? 1000;
  if (status === 401) body['soft_logout'] = false;
  return body;
}
