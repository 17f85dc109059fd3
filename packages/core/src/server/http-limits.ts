/**
 * The bounds of the bot's HTTP server. Every field is optional; {@link DEFAULT_HTTP_LIMITS}
 * fills the rest. Together they keep a flood of slow or oversized requests from holding
 * memory or sockets: bodies are read only after a route's `authorize` passed and only up to
 * its limit, and a request that does not arrive in time is answered 408 and closed.
 */
export interface HttpLimits {
  /** The largest body of a route that declares no limit of its own, bytes (default 1 MiB). */
  readonly maxBodyBytes?: number;
  /** The time a client has to send the request headers, ms (default 5,000). */
  readonly headersTimeoutMs?: number;
  /** The time a client has to send the whole request, headers and body, ms (default 10,000). */
  readonly requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open, ms (default 5,000). */
  readonly keepAliveTimeoutMs?: number;
  /** Requests served on one keep-alive connection before it is closed (default 100). */
  readonly maxRequestsPerSocket?: number;
  /** Open connections at most; further ones are closed at once (default 256). */
  readonly maxConnections?: number;
}

/** The limits the server uses where {@link HttpLimits} leaves a field out. */
export const DEFAULT_HTTP_LIMITS: Required<HttpLimits> = {
  maxBodyBytes: 1024 * 1024,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  maxRequestsPerSocket: 100,
  maxConnections: 256,
};

/** Fills the defaults and checks that the timeouts fit together (headers within the request). */
export function resolveHttpLimits(limits: HttpLimits = {}): Required<HttpLimits> {
  const resolved = { ...DEFAULT_HTTP_LIMITS, ...limits };
  for (const [name, value] of Object.entries(resolved)) {
    if (!Number.isInteger(value) || value < (name === 'maxBodyBytes' ? 0 : 1)) {
      throw new RangeError(`HTTP limit ${name} must be a positive integer, got ${String(value)}`);
    }
  }
  if (resolved.headersTimeoutMs > resolved.requestTimeoutMs) {
    throw new RangeError(
      `HTTP limit headersTimeoutMs (${resolved.headersTimeoutMs}) must not exceed requestTimeoutMs (${resolved.requestTimeoutMs})`,
    );
  }
  return resolved;
}
