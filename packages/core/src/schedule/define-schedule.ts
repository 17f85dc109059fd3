import { cronTime } from './cron-time.js';
import type { ScheduleSpec } from './types.js';

/**
 * Declares a schedule beside a custom command (hand it to `createSchedulesFromConfig`'s
 * `schedules`); its targets default to the configured report targets.
 *
 * @throws TypeError at once when the cron expression or the time zone is invalid.
 * @example
 * export const uptimeReport = defineSchedule({
 *   id: 'uptime', cron: '0 8 * * 1-5', description: 'Uptime every weekday',
 *   build: async (period, { signal }) => document().heading(`Uptime ${period.key}`),
 * });
 */
export function defineSchedule(spec: ScheduleSpec): ScheduleSpec {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(spec.id))
    throw new TypeError(`Schedule id "${spec.id}" must be lower-case letters, digits, "-" or "_"`);
  cronTime(spec.cron, spec.timeZone ?? 'UTC');
  return spec;
}
