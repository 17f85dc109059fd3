/** When a room's outbound Megolm session expires and the next key share starts a new one. */
export interface RotationLimits {
  /** Messages one session encrypts. */
  readonly messages: number;
  /** How long one session is used (ms). */
  readonly ms: number;
}

const HOUR_MS = 60 * 60 * 1000;
/** The spec's recommended defaults (and the crate's): 100 messages, a week. */
export const DEFAULT_ROTATION: RotationLimits = { messages: 100, ms: 7 * 24 * HOUR_MS };
/** The crate uses no session for less than an hour, whatever the settings say. */
const MIN_ROTATION_MS = HOUR_MS;

const nonNegative = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.floor(value) : undefined;

/**
 * The rotation limits of a room from its `m.room.encryption` content (`rotation_period_msgs`,
 * `rotation_period_ms`), as the spec asks: a smaller value than the defaults is honoured, a
 * larger one (or none) is clamped to {@link DEFAULT_ROTATION}. At least one message (the crate's
 * own floor), and at least an hour (the crate's own floor for the time: the adapter must expect
 * no earlier expiry than the crate's, or it would share before every send until then).
 */
export function rotationLimits(content: unknown): RotationLimits {
  const fields = typeof content === 'object' && content !== null ? (content as Record<string, unknown>) : {};
  const messages = nonNegative(fields['rotation_period_msgs']) ?? DEFAULT_ROTATION.messages;
  const ms = nonNegative(fields['rotation_period_ms']) ?? DEFAULT_ROTATION.ms;
  return {
    messages: Math.min(Math.max(messages, 1), DEFAULT_ROTATION.messages),
    ms: Math.min(Math.max(ms, MIN_ROTATION_MS), DEFAULT_ROTATION.ms),
  };
}

/** The stricter of two limits (a session started by one of several shares keeps within either). */
export function stricter(a: RotationLimits, b: RotationLimits): RotationLimits {
  return { messages: Math.min(a.messages, b.messages), ms: Math.min(a.ms, b.ms) };
}
