import { scrubSecrets } from './scrub-secrets.js';

/**
 * What a logged error becomes. Only these fields are ever written: request and response
 * objects, headers, bodies, payloads and URLs are dropped, and every text is scrubbed of
 * credentials ({@link scrubSecrets}).
 */
export interface SerializedError {
  /** The class (`UpstreamError`, `GrammyError`, `IncomingMessage` for a raw response). */
  readonly type: string;
  readonly message: string;
  /** A stable or system code (`upstream`, `ECONNREFUSED`, a discord.js code). */
  readonly code?: string | number;
  /** The HTTP status (`status`, `statusCode`, grammY's `error_code`). */
  readonly status?: number;
  /** A platform error code (Matrix `errcode`). */
  readonly errcode?: string;
  /** Which upstream (`StatsError` subclasses). */
  readonly source?: string;
  /** The API method that failed (grammY's `setWebhook`, discord.js' `POST`). */
  readonly method?: string;
  /** How long the platform asked to wait, ms. */
  readonly retryAfterMs?: number;
  /** Telegram's `retry_after`, seconds. */
  readonly retry_after?: number;
  /** discord.js' `retryAfter`, ms. */
  readonly retryAfter?: number;
  /** The variables a `ConfigError` names. */
  readonly variables?: readonly string[];
  readonly stack?: string;
  /** The cause, serialized the same way (bounded depth). */
  readonly cause?: SerializedError | string;
  /** The errors of an `AggregateError` (at most 5). */
  readonly errors?: readonly (SerializedError | string)[];
}

/** How deep causes are followed before the chain is cut. */
export const MAX_CAUSE_DEPTH = 5;

const MAX_STACK = 4000;

type Bag = Record<string, unknown>;

const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
const str = (value: unknown, max = 200): string | undefined =>
  typeof value === 'string' && value.length <= max ? value : undefined;

function typeOf(value: Bag): string {
  // Serialized already (a bridge serialized it before the logger's own serializer ran).
  if (!(value instanceof Error) && typeof value['type'] === 'string' && typeof value['message'] === 'string')
    return value['type'];
  const name = value['name'];
  if (typeof name === 'string' && name !== '' && name !== 'Error') return name;
  const ctor = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof ctor === 'string' && ctor !== '' ? ctor : 'Error';
}

/** grammY keeps the fetch error in `error`, not `cause`; follow either. */
function causeOf(value: Bag): unknown {
  if (value['cause'] !== undefined) return value['cause'];
  const inner = value['error'];
  return typeof inner === 'object' &&
    inner !== null &&
    (inner instanceof Error || typeof (inner as Bag)['message'] === 'string')
    ? inner
    : undefined;
}

function serialize(value: unknown, depth: number, seen: Set<object>): SerializedError | string {
  if (typeof value !== 'object' || value === null) {
    return scrubSecrets(typeof value === 'string' ? value : String(value));
  }
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  const bag = value as Bag;
  const status = num(bag['status']) ?? num(bag['statusCode']) ?? num(bag['error_code']) ?? num(bag['httpStatus']);
  const rawMessage = typeof bag['message'] === 'string' ? bag['message'] : undefined;
  const statusText = str(bag['statusMessage'], 100);
  const message =
    rawMessage !== undefined
      ? scrubSecrets(rawMessage)
      : status !== undefined
        ? `HTTP ${status}${statusText === undefined ? '' : ` ${scrubSecrets(statusText)}`}`
        : 'non-error value thrown';
  const out: { -readonly [K in keyof SerializedError]: SerializedError[K] } = { type: typeOf(bag), message };
  const code = bag['code'];
  if (typeof code === 'string' || typeof code === 'number')
    out.code = typeof code === 'string' ? scrubSecrets(code) : code;
  if (status !== undefined) out.status = status;
  const errcode = str(bag['errcode'], 100);
  if (errcode !== undefined) out.errcode = errcode;
  const source = str(bag['source'], 100);
  if (source !== undefined) out.source = source;
  const method = str(bag['method'], 100);
  if (method !== undefined) out.method = scrubSecrets(method);
  const retryAfterMs = num(bag['retryAfterMs']);
  if (retryAfterMs !== undefined) out.retryAfterMs = retryAfterMs;
  const parameters = bag['parameters'];
  const retrySeconds =
    num(bag['retry_after']) ??
    (typeof parameters === 'object' && parameters !== null ? num((parameters as Bag)['retry_after']) : undefined);
  if (retrySeconds !== undefined) out.retry_after = retrySeconds;
  const retryAfter = num(bag['retryAfter']);
  if (retryAfter !== undefined) out.retryAfter = retryAfter;
  const variables = bag['variables'];
  if (Array.isArray(variables) && variables.every((v) => typeof v === 'string')) out.variables = variables;
  if (typeof bag['stack'] === 'string') out.stack = scrubSecrets(bag['stack'].slice(0, MAX_STACK));
  const cause = causeOf(bag);
  if (cause !== undefined)
    out.cause = depth >= MAX_CAUSE_DEPTH ? '[cause chain cut]' : serialize(cause, depth + 1, seen);
  const errors = bag['errors'];
  if (Array.isArray(errors) && depth < MAX_CAUSE_DEPTH)
    out.errors = errors.slice(0, 5).map((e) => serialize(e, depth + 1, seen));
  return out;
}

/**
 * The one error serializer of every stats logger (pino's `serializers.err` and `.error`).
 * Keeps name, message, code, status, `errcode`, retry hints and the cause chain (serialized the
 * same way, at most {@link MAX_CAUSE_DEPTH} deep); never request or response objects, headers,
 * bodies, payloads or URLs. Messages and stacks are scrubbed of credentials. Accepts anything
 * that was thrown: matrix-bot-sdk throws a raw HTTP response, which becomes
 * `{ type: 'IncomingMessage', message: 'HTTP 502 Bad Gateway', status: 502 }`.
 *
 * @example
 * serializeError(new UpstreamError('umami', 502, 'umami: 502', 'Umami is down', true));
 */
export function serializeError(value: unknown): SerializedError | string {
  return serialize(value, 0, new Set());
}

/** The serializers {@link createLogger} installs and `createBot` adds to a logger it is handed. */
export const errorSerializers: Readonly<Record<'err' | 'error' | 'cause', (value: unknown) => unknown>> = Object.freeze(
  {
    err: serializeError,
    error: serializeError,
    cause: serializeError,
  },
);
