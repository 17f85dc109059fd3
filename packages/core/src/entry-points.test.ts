import { describe, expect, it } from 'vitest';
import * as root from './index.js';
import * as testing from './testing/index.js';

describe('entry points', () => {
  it('the root of @stats/core stays a curated library face (at most ~80 runtime values)', () => {
    expect(Object.keys(root).length).toBeLessThanOrEqual(80);
  });

  it('internals, fixtures and application wiring are not exported from the root', () => {
    const names = new Set(Object.keys(root));
    for (const internal of [
      'Dispatcher',
      'FastCounter',
      'editDistance',
      'sleep',
      'hostileCorpus',
      'checkHtml',
      'createStandardBot',
      'loadConfig',
      'envSchema',
    ]) {
      expect(names.has(internal), internal).toBe(false);
    }
  });

  it('each runtime value has one home: /testing repeats nothing of the root', () => {
    const names = new Set(Object.keys(root));
    expect(Object.keys(testing).filter((name) => names.has(name))).toEqual([]);
  });
});
