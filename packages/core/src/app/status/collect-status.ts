import type { Metrics } from '../../metrics/index.js';
import type { ScheduleInfo } from '../../schedule/index.js';
import type { StatusRecorder } from './status-recorder.js';
import type { StatusSnapshot, UpstreamStatus } from './status-model.js';

/** The small hooks a status snapshot is read from. */
export interface StatusSources {
  readonly name: string;
  readonly version: string;
  /** Unix ms. */
  readonly startedAt: number;
  readonly timeZone: string;
  readonly adapters: readonly { readonly platform: string; isReady(): boolean }[];
  readonly metrics: Pick<Metrics, 'adapterLastSync' | 'upstreamRequests' | 'upstreamErrors'>;
  readonly recorder: StatusRecorder;
  /** The schedules and their next runs (absent: no schedules). */
  readonly schedules?: () => readonly ScheduleInfo[];
  /** How many sessions are stored (absent: accounts are not configured). */
  readonly sessions?: () => Promise<number>;
  readonly now?: () => number;
}

async function upstreams(metrics: StatusSources['metrics']): Promise<UpstreamStatus[]> {
  const bySource = new Map<
    string,
    { ok: number; errors: number; cached: number; errorKinds: Record<string, number> }
  >();
  const entry = (source: string) => {
    let found = bySource.get(source);
    if (!found) bySource.set(source, (found = { ok: 0, errors: 0, cached: 0, errorKinds: {} }));
    return found;
  };
  for (const { labels, value } of (await metrics.upstreamRequests.get()).values) {
    const e = entry(String(labels.source));
    if (labels.outcome === 'ok') e.ok += value;
    else if (labels.outcome === 'cached') e.cached += value;
    else e.errors += value;
  }
  for (const { labels, value } of (await metrics.upstreamErrors.get()).values) {
    const kinds = entry(String(labels.source)).errorKinds;
    kinds[String(labels.kind)] = (kinds[String(labels.kind)] ?? 0) + value;
  }
  return [...bySource].map(([source, e]) => ({ source, ...e })).sort((a, b) => a.source.localeCompare(b.source));
}

/** Reads one {@link StatusSnapshot} from the hooks. */
export async function collectStatus(sources: StatusSources): Promise<StatusSnapshot> {
  const now = (sources.now ?? Date.now)();
  const syncs = new Map<string, number>();
  for (const { labels, value } of (await sources.metrics.adapterLastSync.get()).values)
    syncs.set(String(labels.platform), value * 1000);
  let sessions: number | undefined;
  try {
    sessions = sources.sessions ? await sources.sessions() : undefined;
  } catch {
    sessions = undefined;
  }
  return {
    name: sources.name,
    version: sources.version,
    startedAt: sources.startedAt,
    now,
    timeZone: sources.timeZone,
    adapters: sources.adapters.map((adapter) => {
      const lastSyncAt = syncs.get(adapter.platform);
      return {
        platform: adapter.platform,
        connected: adapter.isReady(),
        ...sources.recorder.activity(adapter.platform),
        ...(lastSyncAt === undefined ? {} : { lastSyncAt }),
      };
    }),
    schedules: (sources.schedules?.() ?? []).map((s) => ({
      id: s.id,
      cron: s.cron,
      timeZone: s.timeZone,
      ...(s.nextRun === undefined ? {} : { nextRun: s.nextRun }),
      platforms: [...new Set(s.targets.map((t) => t.platform))],
    })),
    deliveries: sources.recorder.deliveries(),
    alertsRelayed: sources.recorder.alertsRelayed,
    sessions,
    upstreams: await upstreams(sources.metrics),
  };
}
