/**
 * Small readers for the fields of a JSON answer (auth service, OIDC), checked by hand so that
 * reading an answer loads no schema library. Each returns `undefined` for a value of the wrong
 * kind; {@link MISSING} tells "absent" from "wrong".
 */

/** A JSON object (not an array, not null), or `undefined`. */
export function asObject(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** Marks a field that is absent (or `undefined`), as opposed to present with a wrong kind. */
export const MISSING: unique symbol = Symbol('missing');

/** A non-empty string; `MISSING` when absent, `undefined` when present but not one. */
export function nonEmptyString(value: unknown): string | typeof MISSING | undefined {
  if (value === undefined) return MISSING;
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** A finite number; `MISSING` when absent, `undefined` when present but not one. */
export function finiteNumber(value: unknown): number | typeof MISSING | undefined {
  if (value === undefined) return MISSING;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** A string or a number as a string (ids sent either way); `undefined` otherwise. */
export function idString(value: unknown): string | undefined {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' && Number.isFinite(value)
      ? String(value)
      : undefined;
}
