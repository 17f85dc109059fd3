import type { StatsConfig } from '../config/index.js';
import { ConfigError } from '../../errors/index.js';
import type { ReportTarget } from '../../schedule/types.js';

/**
 * Reads report targets: `MATRIX_REPORT_ROOM_ID`, `TELEGRAM_REPORT_CHAT_ID`,
 * `DISCORD_REPORT_CHANNEL_ID` (only for the platforms in `served`, when given: a report room of
 * a platform the bot does not serve is ignored), and `REPORT_TARGETS`, a comma-separated list of
 * `platform:roomId`, each optionally followed by `#TimeZone` (the room's zone for `!schedule`),
 * e.g. `matrix:!ops:example.org,telegram:-1001234#America/New_York,discord:123456`.
 *
 * @throws ConfigError naming `REPORT_TARGETS` when an entry has no platform or room.
 */
export function targetsFromConfig(config: Pick<StatsConfig, 'schedule'>, served?: ReadonlySet<string>): ReportTarget[] {
  const targets: ReportTarget[] = [];
  for (const [platform, roomId] of Object.entries(config.schedule.reportRooms)) {
    if (roomId && (served === undefined || served.has(platform))) targets.push({ platform, roomId });
  }
  for (const entry of (config.schedule.targets ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(':');
    const platform = entry.slice(0, colon);
    const [roomId = '', timeZone] = entry.slice(colon + 1).split('#');
    if (colon <= 0 || roomId === '' || !/^[a-z][a-z0-9-]*$/.test(platform)) {
      throw new ConfigError(
        ['REPORT_TARGETS'],
        'REPORT_TARGETS must be a comma-separated list of platform:roomId, e.g. matrix:!room:example.org,telegram:-100123',
      );
    }
    if (timeZone !== undefined) {
      try {
        new Intl.DateTimeFormat('en', { timeZone });
      } catch {
        throw new ConfigError(
          ['REPORT_TARGETS'],
          `REPORT_TARGETS names an unknown time zone after "#" (use an IANA zone such as Europe/Berlin)`,
        );
      }
    }
    if (targets.some((t) => t.platform === platform && t.roomId === roomId)) continue;
    targets.push(timeZone === undefined ? { platform, roomId } : { platform, roomId, timeZone });
  }
  return targets;
}
