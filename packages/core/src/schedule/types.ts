import type { Platform } from '../chat/index.js';
import type { Document } from '../document/index.js';

/** Where a report goes: a room on one platform. */
export interface ReportTarget {
  readonly platform: Platform;
  readonly roomId: string;
  /** A thread or topic inside the room. */
  readonly threadId?: string;
  /** The room's time zone, for `!schedule` (default: the scheduler's). */
  readonly timeZone?: string;
}

/** One occurrence of a scheduled job. */
export interface ReportPeriod {
  readonly jobId: string;
  /** When the run was due, Unix ms. */
  readonly scheduledAt: number;
  /** The run before it (the start of the period it reports on), when known. */
  readonly previousAt: number | undefined;
  /** A stable name of the occurrence in its time zone, e.g. `2026-03-29T09:00`; part of idempotency keys. */
  readonly key: string;
  readonly timeZone: string;
  /** True when the run is sent late, after the bot was down at its time. */
  readonly catchUp: boolean;
}

/** A report on a schedule. Jobs are functions handed in: the scheduler never imports reports. */
export interface ScheduledJob {
  /** Stable id, e.g. `daily`; part of idempotency keys. */
  readonly id: string;
  /** A cron expression (5 fields, or 6 with seconds). */
  readonly cron: string;
  /** The zone the cron is read in (default: the scheduler's). */
  readonly timeZone?: string;
  /** A short description for `!schedule`. */
  readonly description?: string;
  readonly targets: readonly ReportTarget[];
  /** Builds the report of one period. */
  build(period: ReportPeriod, options: { readonly signal: AbortSignal }): Promise<Document>;
}

/** A held right to run one occurrence; the fence number grows with every new holder. */
export interface Lease {
  readonly fence: number;
  /** Extends the lease; false when it was lost (expired and taken by another replica). */
  renew(): Promise<boolean>;
  /** True while this holder still owns the lease (checked before each send). */
  valid(): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * Where the scheduler keeps what ran, and how replicas agree who runs an occurrence.
 * Memory, SQLite and Redis implement it.
 */
export interface ScheduleStore {
  /** The last completed (or baseline) run of a job, Unix ms. */
  lastRun(jobId: string): Promise<number | undefined>;
  /** Records `at` as the last run when the job has none yet (first start: no history is sent). */
  baseline(jobId: string, at: number): Promise<void>;
  /** Takes the lease of one occurrence, or `undefined` when it is done or another holder has it. */
  acquire(jobId: string, scheduledAt: number, owner: string, ttlMs: number): Promise<Lease | undefined>;
  /** Marks the occurrence done (the last run moves forward, never back). */
  complete(jobId: string, scheduledAt: number): Promise<void>;
  close?(): Promise<void>;
}

/** What {@link DeliveryLog.begin} decided. */
export type BeginResult = 'send' | 'done' | 'busy';

/**
 * Idempotency keys of deliveries, one per (report, period, target). A key is reserved before
 * the send and confirmed after it, so a retry, a restart or another replica never sends twice.
 */
export interface DeliveryLog {
  /**
   * Reserves `key` for `owner`: `send` when the caller may send now, `done` when it was
   * confirmed before, `busy` when a live attempt of another owner holds it.
   */
  begin(key: string, owner: string, ttlMs: number): Promise<BeginResult>;
  /** Records the send as confirmed. */
  confirm(key: string): Promise<void>;
  /** Drops a reservation after a failed send, so a later attempt may send. */
  release(key: string, owner: string): Promise<void>;
  close?(): Promise<void>;
}

/** Claims a platform event for one replica (`createBot`'s `claims` option). */
export interface Claims {
  /** True for exactly one caller of `key` within `ttlMs`. */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /**
   * Records the claim of a message this replica already answered without one (its store was
   * down): true when nobody else holds `key`, or this replica does (an earlier claim that timed
   * out but reached the store). Default: `claim`.
   */
  record?(key: string, ttlMs: number): Promise<boolean>;
}

/** Builds a scheduled report of one period. */
export type ReportBuilder = (period: ReportPeriod, options: { readonly signal: AbortSignal }) => Promise<Document>;

/** A schedule a bot author or a custom command declares; targets default to the configured ones. */
export type ScheduleSpec = Omit<ScheduledJob, 'targets'> & { readonly targets?: readonly ReportTarget[] };
