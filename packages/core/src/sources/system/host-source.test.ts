import { describe, expect, it } from 'vitest';
import { createHostSource } from './host-source.js';

describe('host source', () => {
  it('reads plausible figures of this machine, root mountpoint first', async () => {
    const s = await createHostSource({ sampleMs: 50, mountpoints: ['/tmp', '/', '/does-not-exist'] }).snapshot();
    expect(s.source).toBe('host');
    expect(s.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(s.cpuPercent).toBeLessThanOrEqual(100);
    expect(s.memoryPercent).toBeGreaterThan(0);
    expect(s.memoryPercent).toBeLessThan(100);
    expect(s.disks.map((d) => d.mountpoint)).toEqual(['/', '/tmp']);
    expect(s.disks[0]?.usedPercent).toBeGreaterThan(0);
    expect(s.disks[0]?.usedPercent).toBeLessThanOrEqual(100);
    expect(s.uptimeSeconds).toBeGreaterThan(0);
    expect(s.load).toHaveLength(3);
  });

  it('stops sampling when the signal aborts', async () => {
    const controller = new AbortController();
    const pending = createHostSource({ sampleMs: 10_000 }).snapshot({ signal: controller.signal });
    controller.abort(new Error('budget'));
    await expect(pending).rejects.toThrow('budget');
  });
});
