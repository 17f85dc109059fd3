/** Usage of one mounted file system. */
export interface DiskUsage {
  readonly mountpoint: string;
  /** 0–100. */
  readonly usedPercent: number;
  readonly sizeBytes: number | undefined;
  readonly availableBytes: number | undefined;
}

/**
 * A host's vital signs, from Prometheus (node-exporter) or from the bot's own host. Every
 * figure is `undefined` when the source has no data for it ("no data", never 0).
 */
export interface SystemSnapshot {
  /** Where the figures come from. */
  readonly source: 'prometheus' | 'host';
  /** The host's name, when known. */
  readonly hostname: string | undefined;
  /** 0–100, averaged over all CPUs. */
  readonly cpuPercent: number | undefined;
  /** 0–100, from available (not free) memory. */
  readonly memoryPercent: number | undefined;
  readonly memoryTotalBytes: number | undefined;
  readonly memoryAvailableBytes: number | undefined;
  /** Root (`/`) first, then the others by mountpoint. */
  readonly disks: readonly DiskUsage[];
  /** Load averages over 1, 5 and 15 minutes. */
  readonly load: readonly [number, number, number] | undefined;
  readonly uptimeSeconds: number | undefined;
  /** How many CPUs (for reading the load), when known. */
  readonly cpuCount: number | undefined;
}

/** Sorts disks root first, then by mountpoint. */
export function sortDisks(disks: readonly DiskUsage[]): DiskUsage[] {
  return [...disks].sort((a, b) =>
    a.mountpoint === '/' ? -1 : b.mountpoint === '/' ? 1 : a.mountpoint.localeCompare(b.mountpoint),
  );
}
