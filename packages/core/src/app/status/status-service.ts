import { createRequire } from 'node:module';
import type { BotService } from '../../bot.js';
import type { ScheduleInfo } from '../../schedule/index.js';
import { collectStatus } from './collect-status.js';
import { registerStatusPage } from './status-page.js';
import { createStatusRecorder, type StatusRecorder } from './status-recorder.js';

/** Options of {@link createStatusService}. */
export interface StatusServiceOptions {
  readonly name: string;
  /** `STATUS_TOKEN`. */
  readonly token: string;
  readonly timeZone: string;
  readonly schedules?: () => readonly ScheduleInfo[];
  readonly sessions?: () => Promise<number>;
  /** Shown on the page (default: @stats/core's version). */
  readonly version?: string;
  readonly now?: () => number;
}

/** The status page as a bot service, plus the recorder its middleware and delivery hook feed. */
export interface StatusService {
  readonly recorder: StatusRecorder;
  /** Registers `/status` on the bot's HTTP server at start. */
  readonly service: BotService;
}

/** @stats/core's version, from its own package.json by name (the same from the sources and from the bundled dist). */
export function coreVersion(): string {
  try {
    const pkg = createRequire(import.meta.url)('@stats/core/package.json') as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * The `/status` page of a bot: adapters, schedules, deliveries, sessions count, upstream
 * health, version and uptime, behind `STATUS_TOKEN`. Add `recorder.middleware` to the bot's
 * middleware and `recorder.onDelivered` to its schedules, and `service` to its services.
 */
export function createStatusService(options: StatusServiceOptions): StatusService {
  const now = options.now ?? Date.now;
  const recorder = createStatusRecorder({ now });
  const startedAt = now();
  const version = options.version ?? coreVersion();
  return {
    recorder,
    service: {
      name: 'status',
      start(bot) {
        if (bot.http === undefined) return;
        registerStatusPage(bot.http, {
          name: options.name,
          token: options.token,
          snapshot: () =>
            collectStatus({
              name: options.name,
              version,
              startedAt,
              timeZone: options.timeZone,
              adapters: bot.adapters,
              metrics: bot.metrics,
              recorder,
              ...(options.schedules ? { schedules: options.schedules } : {}),
              ...(options.sessions ? { sessions: options.sessions } : {}),
              now,
            }),
        });
        bot.logger.info('status page on /status (STATUS_TOKEN required)');
      },
    },
  };
}
