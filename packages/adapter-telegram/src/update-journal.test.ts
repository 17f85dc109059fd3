import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openUpdateJournal } from './update-journal.js';
import { secretMatches } from './webhook-route.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'journal-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('openUpdateJournal', () => {
  it('remembers handled update ids across opens, and the first start time', async () => {
    const first = await openUpdateJournal(dir, 7, () => 1000);
    expect(first.firstStart).toBe(true);
    await first.add('10', 0);
    await first.add('12', 0);
    const second = await openUpdateJournal(dir, 7, () => 5000);
    expect(second.firstStart).toBe(false);
    expect(second.firstStartedAt).toBe(1000);
    expect(['10', '11', '12', '13'].map((id) => second.has(id))).toEqual([true, false, true, false]);
    expect(JSON.parse(await readFile(join(dir, 'telegram-7.json'), 'utf8'))).toMatchObject({ lastUpdateId: 12 });
  });

  it('keeps one file per bot', async () => {
    await (await openUpdateJournal(dir, 1, () => 0)).add('5', 0);
    expect((await openUpdateJournal(dir, 2, () => 0)).has('5')).toBe(false);
  });
});

describe('secretMatches', () => {
  it('accepts only the exact secret', () => {
    expect(secretMatches('abc', 'abc')).toBe(true);
    expect(secretMatches('abd', 'abc')).toBe(false);
    expect(secretMatches('abcd', 'abc')).toBe(false);
    expect(secretMatches(undefined, 'abc')).toBe(false);
  });
});
