import { MatrixClient } from './matrix-sdk.js';
import { backoffDelay, classify, pause } from './retry.js';
import type { SyncStateStore } from './sync-state-store.js';

/** The parts of a `/sync` answer the adapter touches. */
export interface SyncResponse {
  next_batch: string;
  rooms?: {
    join?: Record<
      string,
      { timeline?: { events?: Record<string, unknown>[]; limited?: boolean; prev_batch?: string } }
    >;
  };
}

/** What the sync loop reports to the adapter. */
export interface SyncHooks {
  /** Just before each `/sync` request. */
  beforeRequest(): void;
  /** Every event the SDK emits while processing a sync, awaited in order. */
  onEvent(type: string, payload: readonly unknown[]): Promise<void>;
  /** Before processing: fill gaps of limited timelines (`since` is null on an initial sync). */
  beforeProcess(response: SyncResponse, since: string | null): Promise<void>;
  /**
   * After a sync's events were handed on (their handlers run on without waiting): resolves once
   * the state the sync produced (crypto keys) is on disk. Awaited before the token is saved and
   * the next `/sync` is sent, because that request acknowledges the sync's to-device messages
   * and the homeserver deletes them: keys not on disk by then would be lost to a crash.
   */
  syncDurable(): Promise<void>;
  /** After each processed sync (readiness). */
  onSynced(): void;
  /** A sync failed and will be retried after `delayMs`. */
  onSyncError(err: unknown, delayMs: number): void;
  /** The homeserver rejected the token: the loop has stopped. */
  onUnknownToken(err: unknown): void;
}

/**
 * matrix-bot-sdk's client with the adapter's own sync loop. The SDK's loop backs off 5-15 s at
 * random on every error, retries a revoked token forever, saves the sync token before the
 * events are handled and emits events without awaiting their listeners. This loop keeps the
 * SDK's request and event processing (`doSync`, `processSync`, its DM cache) but awaits each
 * event, saves the token (and asks for the next sync) only after a sync is handled and the
 * state it produced is on disk ({@link SyncHooks.syncDurable}), fills limited timelines first,
 * backs off exponentially and stops on `M_UNKNOWN_TOKEN`.
 */
export class SyncingClient extends MatrixClient {
  private hooks: SyncHooks | undefined;
  private halt = new AbortController();
  private loop: Promise<void> | undefined;

  constructor(
    homeserverUrl: string,
    accessToken: string,
    private readonly store: SyncStateStore,
    private readonly backoff: { readonly baseDelayMs: number; readonly maxDelayMs: number },
  ) {
    super(homeserverUrl, accessToken, store);
  }

  /** Set when end-to-end encryption runs: turns a fetched `m.room.encrypted` event into the plain one. */
  decryptEvent: ((roomId: string, event: Record<string, unknown>) => Promise<Record<string, unknown>>) | undefined;

  /** Fetches one event (decrypted when end-to-end encryption runs: replayed commands may be encrypted). */
  override async getEvent(roomId: string, eventId: string): Promise<Record<string, unknown>> {
    const event = (await super.getEvent(roomId, eventId)) as Record<string, unknown>;
    return this.decryptEvent ? this.decryptEvent(roomId, event) : event;
  }

  /** Sets the hooks; call before `start()`. */
  attach(hooks: SyncHooks): void {
    this.hooks = hooks;
  }

  protected override startSyncInternal(): Promise<void> {
    this.halt = new AbortController();
    this.loop = this.runLoop(this.halt.signal);
    return Promise.resolve();
  }

  /** Stops the loop; a long-poll in flight is abandoned (its answer is ignored). */
  override stop(): void {
    super.stop();
    this.halt.abort();
  }

  /** True once `stop()` was called. */
  get stopping(): boolean {
    return this.halt.signal.aborted;
  }

  /** Resolves when the loop has ended (after `stop()` or a rejected token). */
  async stopped(): Promise<void> {
    await this.loop;
  }

  private async runLoop(signal: AbortSignal): Promise<void> {
    const hooks = this.hooks;
    if (!hooks) throw new Error('SyncingClient: attach(hooks) before start()');
    let token = this.store.getSyncToken();
    let failures = 0;
    const emit = async (type: string, ...payload: unknown[]): Promise<void> => {
      this.emit(type, ...payload);
      await hooks.onEvent(type, payload);
    };
    while (!signal.aborted) {
      try {
        hooks.beforeRequest();
        const response = (await this.doSync(token as string)) as SyncResponse;
        if (signal.aborted) return;
        await hooks.beforeProcess(response, token);
        await this.processSync(response, emit);
        // Stopped while handling: keep the old token so the rest is seen again after a restart.
        if (signal.aborted) return;
        await hooks.syncDurable();
        token = response.next_batch;
        this.store.setSyncToken(token);
        failures = 0;
        hooks.onSynced();
      } catch (err) {
        if (signal.aborted) return;
        if (classify(err).kind === 'unknown_token') {
          hooks.onUnknownToken(err);
          return;
        }
        failures += 1;
        const failure = classify(err);
        const delay =
          failure.kind === 'rate_limited'
            ? failure.retryAfterMs
            : backoffDelay(failures, this.backoff.baseDelayMs, this.backoff.maxDelayMs);
        hooks.onSyncError(err, delay);
        await pause(delay, signal);
      }
    }
  }
}
