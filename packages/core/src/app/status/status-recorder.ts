import type { Middleware } from '../../commands/index.js';
import { StatsError } from '../../errors/index.js';
import type { DeliveryOutcome, Report } from '../../schedule/index.js';
import type { DeliveryStatus } from './status-model.js';

/** What the status page remembers as the bot runs: last events, last errors, last deliveries. */
export interface StatusRecorder {
  /** Middleware that notes each command's platform and time, and the code of a failure. */
  readonly middleware: Middleware;
  /** Notes the outcomes of a delivered report or alert (`createSchedulesFromConfig({ onDelivered })`). */
  readonly onDelivered: (report: Pick<Report, 'id'>, outcomes: readonly DeliveryOutcome[]) => void;
  /** The platform's last command and last failure. */
  activity(platform: string): {
    readonly lastEventAt?: number;
    readonly lastError?: { readonly code: string; readonly at: number };
  };
  /** The latest deliveries, newest first. */
  deliveries(): readonly DeliveryStatus[];
  /** Alert deliveries since the start. */
  readonly alertsRelayed: number;
}

/**
 * Creates the status page's recorder. It keeps platforms, error codes, schedule ids and
 * outcomes only: no sender, no room, no message text.
 */
export function createStatusRecorder(
  options: { readonly now?: () => number; readonly keep?: number } = {},
): StatusRecorder {
  const now = options.now ?? Date.now;
  const keep = options.keep ?? 20;
  const events = new Map<string, number>();
  const errors = new Map<string, { code: string; at: number }>();
  const recent: DeliveryStatus[] = [];
  let alerts = 0;
  const middleware: Middleware = async (ctx, next) => {
    const platform = ctx.message.platform;
    events.set(platform, now());
    try {
      return await next();
    } catch (error) {
      errors.set(platform, { code: error instanceof StatsError ? error.code : 'internal', at: now() });
      throw error;
    }
  };
  return {
    middleware,
    onDelivered(report, outcomes) {
      const kind = report.id.startsWith('alert:') ? 'alert' : 'report';
      for (const outcome of outcomes) {
        if (kind === 'alert') alerts++;
        recent.unshift({
          kind,
          name: kind === 'alert' ? 'alert' : report.id,
          platform: outcome.target.platform,
          outcome: outcome.outcome,
          at: now(),
        });
      }
      recent.splice(keep);
    },
    activity(platform) {
      const lastEventAt = events.get(platform);
      const lastError = errors.get(platform);
      return {
        ...(lastEventAt === undefined ? {} : { lastEventAt }),
        ...(lastError === undefined ? {} : { lastError }),
      };
    },
    deliveries: () => [...recent],
    get alertsRelayed() {
      return alerts;
    },
  };
}
