import { statfs } from 'node:fs/promises';
import os from 'node:os';
import { sortDisks, type DiskUsage, type SystemSnapshot } from './system-snapshot.js';

/** Options of {@link createHostSource}. */
export interface HostSourceOptions {
  /** How long CPU use is sampled, in ms (default 250). */
  readonly sampleMs?: number;
  /** Mountpoints to report (default `['/']`). */
  readonly mountpoints?: readonly string[];
}

/** The machine the bot runs on: the fallback for `!system` when `PROMETHEUS_URL` is unset. */
export interface HostSource {
  /** Samples CPU over a short interval and reads memory, disks, load and uptime. */
  snapshot(options?: { readonly signal?: AbortSignal | undefined }): Promise<SystemSnapshot>;
}

function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.idle + t.user + t.nice + t.sys + t.irq;
  }
  return { idle, total };
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason as Error);
      },
      { once: true },
    );
  });
}

async function disk(mountpoint: string): Promise<DiskUsage | undefined> {
  try {
    const s = await statfs(mountpoint);
    const size = s.blocks * s.bsize;
    const available = s.bavail * s.bsize;
    // Like `df`: used over (used + available to unprivileged users).
    const used = (s.blocks - s.bfree) * s.bsize;
    const usedPercent = used + available > 0 ? (used / (used + available)) * 100 : 0;
    return { mountpoint, usedPercent, sizeBytes: size, availableBytes: available };
  } catch {
    return undefined;
  }
}

/**
 * Creates the local-host source from Node's `os` and `fs.statfs`: CPU % sampled over a short
 * interval, memory, disk per mountpoint, load and uptime.
 *
 * @example
 * const snapshot = await createHostSource().snapshot({ signal });
 */
export function createHostSource(options: HostSourceOptions = {}): HostSource {
  const sampleMs = options.sampleMs ?? 250;
  const mountpoints = options.mountpoints ?? ['/'];
  return {
    async snapshot(call) {
      const before = cpuTimes();
      await wait(sampleMs, call?.signal);
      const after = cpuTimes();
      const total = after.total - before.total;
      const cpuPercent =
        total > 0 ? Math.min(100, Math.max(0, (1 - (after.idle - before.idle) / total) * 100)) : undefined;
      const memoryTotalBytes = os.totalmem();
      const memoryAvailableBytes = os.freemem();
      const disks = (await Promise.all(mountpoints.map(disk))).filter((d): d is DiskUsage => d !== undefined);
      const [l1, l5, l15] = os.loadavg();
      return {
        source: 'host',
        hostname: os.hostname(),
        cpuPercent,
        memoryPercent: memoryTotalBytes > 0 ? (1 - memoryAvailableBytes / memoryTotalBytes) * 100 : undefined,
        memoryTotalBytes,
        memoryAvailableBytes,
        disks: sortDisks(disks),
        load: [l1 ?? 0, l5 ?? 0, l15 ?? 0],
        uptimeSeconds: os.uptime(),
        cpuCount: os.cpus().length,
      };
    },
  };
}
