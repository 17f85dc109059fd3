import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { coreVersion } from './status-service.js';

describe('coreVersion', () => {
  // The page's default version is found by package name, not by a path relative to this file:
  // the bundled dist puts this code in a chunk at another depth than the sources.
  it("is @stats/core's version from its package.json", () => {
    const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(coreVersion()).toBe(manifest.version);
    expect(coreVersion()).not.toBe('unknown');
  });
});
