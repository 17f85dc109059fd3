/** True for a promise (or any thenable): the step went asynchronous. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Thrown to end a command without any answer (e.g. a repeated rate-limit refusal). */
export class Silent extends Error {}
