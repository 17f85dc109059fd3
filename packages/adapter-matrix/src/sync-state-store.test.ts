import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SyncStateStore } from './sync-state-store.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stats-sync-state-'));
  dirs.push(dir);
  return dir;
}

describe('sync state in DATA_DIR', () => {
  it('is a first start without a file, and resumes token, handled and pending ids after one', async () => {
    const dir = tempDir();
    const first = new SyncStateStore(dir);
    expect(first.firstStart).toBe(true);
    first.setSyncToken('s42');
    first.add('$done', 1000);
    first.markPending('$open', { roomId: '!r:hs', eventId: '$open', sentAt: 2000 });
    await first.flush();
    const second = new SyncStateStore(dir);
    expect(second.firstStart).toBe(false);
    expect(second.getSyncToken()).toBe('s42');
    expect(second.has('$done')).toBe(true);
    expect(second.pending()).toEqual([{ roomId: '!r:hs', eventId: '$open', sentAt: 2000 }]);
  });

  it('keeps only ids on disk, never message text, and forgets old ids when told', async () => {
    const dir = tempDir();
    const store = new SyncStateStore(dir);
    store.add('$old', 1000);
    store.add('$new', 5000);
    store.forget(2000);
    await store.flush();
    const text = readFileSync(join(dir, 'matrix-sync.json'), 'utf8');
    expect(text).not.toContain('$old');
    expect(text).toContain('$new');
    expect(store.has('$old')).toBe(false);
  });
});
