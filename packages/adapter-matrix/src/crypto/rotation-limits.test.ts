import { describe, expect, it } from 'vitest';
import { DEFAULT_ROTATION, rotationLimits } from './rotation-limits.js';

const HOUR = 60 * 60 * 1000;

describe('rotationLimits', () => {
  it('honours a room that rotates sooner than the defaults', () => {
    expect(rotationLimits({ rotation_period_msgs: 3, rotation_period_ms: 2 * HOUR })).toEqual({
      messages: 3,
      ms: 2 * HOUR,
    });
  });

  it('clamps larger values, and missing or malformed ones, to the defaults', () => {
    expect(rotationLimits({ rotation_period_msgs: 5000, rotation_period_ms: 30 * 24 * HOUR })).toEqual(
      DEFAULT_ROTATION,
    );
    expect(rotationLimits({ algorithm: 'm.megolm.v1.aes-sha2' })).toEqual(DEFAULT_ROTATION);
    expect(rotationLimits({ rotation_period_msgs: '3', rotation_period_ms: null })).toEqual(DEFAULT_ROTATION);
    expect(rotationLimits(undefined)).toEqual(DEFAULT_ROTATION);
  });

  it('keeps to the crate floors: one message, one hour', () => {
    expect(rotationLimits({ rotation_period_msgs: 0, rotation_period_ms: 60_000 })).toEqual({ messages: 1, ms: HOUR });
  });
});
