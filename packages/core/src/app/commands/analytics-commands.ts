import { defineCommand, type Command, type CommandContext } from '../../commands/index.js';
import {
  createFormatter,
  dbReport,
  growthReport,
  lastDays,
  realtimeReport,
  servicesReport,
  statsReport,
  systemReport,
  today,
  todayReport,
  trafficReport,
  weekReport,
  type Formatter,
  type TimeRange,
  type WebsiteStatsData,
} from '../../reports/index.js';
import type { Document } from '../../document/index.js';
import type { TimeSeries } from '../../sources/index.js';
import { gatherWebsiteStats, mapLimit } from './gather.js';

type Ctx = CommandContext<Record<string, unknown>>;

/** The formatter for a command's locale and time zone (`LOCALE`, `TZ`). */
export function formatterFor(ctx: Pick<Ctx, 'settings'>): Formatter {
  return createFormatter(ctx.settings.locale.toLowerCase().startsWith('de') ? 'de' : 'en', ctx.settings.timeZone);
}

const ANALYTICS = 'Analytics';
const INFRASTRUCTURE = 'Infrastructure';

/** What a website-statistics command varies: its name, the period it covers and the report it renders. */
interface WebsiteStatsCommand {
  readonly name: string;
  readonly summary: string;
  readonly period: (ctx: Ctx) => TimeRange;
  readonly daily?: boolean;
  readonly report: (data: WebsiteStatsData, fmt: Formatter) => Document;
}

/** One Umami command: every website over a period, gathered with the command's signal and time zone. */
function websiteStatsCommand(spec: WebsiteStatsCommand): Command {
  return defineCommand({
    name: spec.name,
    summary: spec.summary,
    category: ANALYTICS,
    run: async (ctx) => {
      const data = await gatherWebsiteStats(ctx.sources, spec.period(ctx), {
        signal: ctx.signal,
        timeZone: ctx.settings.timeZone,
        daily: spec.daily === true,
      });
      return spec.report(data, formatterFor(ctx));
    },
  });
}

/** `!stats`: every website, 30 days, with the change vs the 30 days before. */
export const statsCommand: Command = websiteStatsCommand({
  name: 'stats',
  summary: 'Overview of all websites (30 days)',
  period: (ctx) => lastDays(ctx.now(), 30),
  report: statsReport,
});

/** `!today`: every website since midnight (in `TZ`). */
export const todayCommand: Command = websiteStatsCommand({
  name: 'today',
  summary: "Today's statistics",
  period: (ctx) => today(ctx.now(), ctx.settings.timeZone),
  report: todayReport,
});

/** `!week`: every website over the last 7 days, with visitors per day. */
export const weekCommand: Command = websiteStatsCommand({
  name: 'week',
  summary: "This week's statistics (last 7 days)",
  period: (ctx) => lastDays(ctx.now(), 7),
  daily: true,
  report: weekReport,
});

/** `!realtime`: visitors in the last 5 minutes. */
export const realtimeCommand: Command = defineCommand({
  name: 'realtime',
  summary: 'Active visitors right now',
  category: ANALYTICS,
  run: async (ctx) => {
    const umami = ctx.sources.umami;
    const websites = await umami.websites({ signal: ctx.signal });
    const sites = await mapLimit(websites, 6, async (website) => ({
      website,
      active: await umami.active(website.id, { signal: ctx.signal }).catch((err: unknown) => {
        if (ctx.signal.aborted) throw err;
        return undefined;
      }),
    }));
    return realtimeReport({ at: ctx.now(), sites }, formatterFor(ctx));
  },
});

/** `!system`: CPU, RAM, disk, uptime from Prometheus, or from the bot's host without `PROMETHEUS_URL`. */
export const systemCommand: Command = defineCommand({
  name: 'system',
  summary: 'Server status (CPU, RAM, disk, uptime)',
  category: INFRASTRUCTURE,
  run: async (ctx) => {
    const fmt = formatterFor(ctx);
    if (!ctx.sources.configured.includes('prometheus'))
      return systemReport(await ctx.sources.host.snapshot({ signal: ctx.signal }), fmt);
    const prometheus = ctx.sources.prometheus;
    const [snapshot, history] = await Promise.all([
      prometheus.system({ signal: ctx.signal }),
      // The chart is a bonus: without history the report still answers.
      prometheus.cpuMemoryHistory(24, { signal: ctx.signal }).catch((): TimeSeries[] | undefined => undefined),
    ]);
    return systemReport(snapshot, fmt, history);
  },
});

/** `!services`: every service UP or DOWN, down first. */
export const servicesCommand: Command = defineCommand({
  name: 'services',
  summary: 'Service health (UP/DOWN)',
  category: INFRASTRUCTURE,
  run: async (ctx) => servicesReport(await ctx.sources.prometheus.targets({ signal: ctx.signal }), formatterFor(ctx)),
});

/** `!traffic`: HTTP requests/s, error rate and p95 latency per service. */
export const trafficCommand: Command = defineCommand({
  name: 'traffic',
  summary: 'HTTP traffic and latency per service',
  category: INFRASTRUCTURE,
  run: async (ctx) => trafficReport(await ctx.sources.prometheus.traffic({ signal: ctx.signal }), formatterFor(ctx)),
});

/** `!db`: PostgreSQL and Redis status. */
export const dbCommand: Command = defineCommand({
  name: 'db',
  summary: 'PostgreSQL and Redis status',
  category: INFRASTRUCTURE,
  run: async (ctx) => dbReport(await ctx.sources.prometheus.databases({ signal: ctx.signal }), formatterFor(ctx)),
});

/** `!growth`: user sign-ups per day and in total. */
export const growthCommand: Command = defineCommand({
  name: 'growth',
  summary: 'User growth statistics',
  category: ANALYTICS,
  run: async (ctx) =>
    growthReport(await ctx.sources.growth.signups({ signal: ctx.signal }), formatterFor(ctx), ctx.now()),
});

/**
 * The standard analytics and infrastructure commands of the seed: `stats today week realtime`
 * (Umami), `system services traffic db` (Prometheus; `system` falls back to the bot's host),
 * `growth` (PostgreSQL). A source that is not configured answers with the variables to set; a
 * failing upstream answers a short message naming it.
 *
 * @example
 * const bot = createBot({ adapters, commands: analyticsCommands(), sources: createSources(config) });
 */
export function analyticsCommands(): Command[] {
  return [
    statsCommand,
    todayCommand,
    weekCommand,
    realtimeCommand,
    systemCommand,
    servicesCommand,
    trafficCommand,
    dbCommand,
    growthCommand,
  ];
}
