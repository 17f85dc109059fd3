/** One chat adapter as the status page shows it. */
export interface AdapterStatus {
  readonly platform: string;
  /** True while the adapter is connected (what `/health/ready` checks). */
  readonly connected: boolean;
  /** When the adapter last handed the bot a command, Unix ms. */
  readonly lastEventAt?: number;
  /** When the adapter last synced or polled successfully (Matrix), Unix ms. */
  readonly lastSyncAt?: number;
  /** The last command that failed on this platform: its error code and when, never its text. */
  readonly lastError?: { readonly code: string; readonly at: number };
}

/** One schedule and its next run. */
export interface ScheduleStatus {
  readonly id: string;
  readonly cron: string;
  readonly timeZone: string;
  /** The next run, Unix ms. */
  readonly nextRun?: number;
  /** The platforms it delivers to (rooms are left out). */
  readonly platforms: readonly string[];
}

/** One delivery of a scheduled report or a relayed alert to one target. */
export interface DeliveryStatus {
  readonly kind: 'report' | 'alert';
  /** The schedule's id for reports; `alert` for relayed alerts (group keys are not shown). */
  readonly name: string;
  readonly platform: string;
  /** `sent`, `duplicate`, `failed`, `no_adapter` or `aborted`. */
  readonly outcome: string;
  readonly at: number;
}

/** Calls to one upstream source since the start. */
export interface UpstreamStatus {
  readonly source: string;
  readonly ok: number;
  readonly errors: number;
  readonly cached: number;
  /** Failures by kind (`unreachable`, `timeout`, `status`, `malformed`). */
  readonly errorKinds: Readonly<Record<string, number>>;
}

/** Everything the status page shows: counts and states, never a user, a token or a message. */
export interface StatusSnapshot {
  readonly name: string;
  readonly version: string;
  /** Unix ms. */
  readonly startedAt: number;
  /** Unix ms, when the snapshot was taken. */
  readonly now: number;
  /** The bot's time zone; every time on the page is shown in it. */
  readonly timeZone: string;
  readonly adapters: readonly AdapterStatus[];
  readonly schedules: readonly ScheduleStatus[];
  /** The latest deliveries, newest first. */
  readonly deliveries: readonly DeliveryStatus[];
  /** Alert deliveries since the start. */
  readonly alertsRelayed: number;
  /** How many users are logged in (undefined: accounts are not configured). */
  readonly sessions: number | undefined;
  readonly upstreams: readonly UpstreamStatus[];
}
