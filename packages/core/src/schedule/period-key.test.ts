import { describe, expect, it } from 'vitest';
import { periodKey } from './scheduler.js';

describe('periodKey', () => {
  it('names an occurrence by its wall time in the zone', () => {
    expect(periodKey(Date.parse('2026-03-29T07:00:00Z'), 'Europe/Berlin')).toBe('2026-03-29T09:00');
    expect(periodKey(Date.parse('2026-03-29T01:30:00Z'), 'Europe/Berlin')).toBe('2026-03-29T03:30');
  });

  it('tells the two 02:30 of a fall-back night apart', () => {
    expect(periodKey(Date.parse('2026-10-25T00:30:00Z'), 'Europe/Berlin')).toBe('2026-10-25T02:30');
    expect(periodKey(Date.parse('2026-10-25T01:30:00Z'), 'Europe/Berlin')).toBe('2026-10-25T02:30+1');
  });
});
