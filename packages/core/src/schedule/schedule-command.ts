import { defineCommand, type Command } from '../commands/index.js';
import { document } from '../document/index.js';
import type { Scheduler } from './scheduler.js';

/** Formats an instant in a zone: `Mon, 30 Mar 2026, 09:00 (Europe/Berlin)`. */
export function formatRun(at: number, timeZone: string, locale = 'en'): string {
  const text = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(at));
  return `${text} (${timeZone})`;
}

/**
 * `!schedule`: lists the scheduled reports with their cron, targets and next run, shown in the
 * room's time zone (a target's `timeZone` when the room is a target, else the job's).
 */
export function createScheduleCommand(scheduler: Pick<Scheduler, 'list'>): Command {
  return defineCommand({
    name: 'schedule',
    aliases: ['schedules'],
    summary: 'Scheduled reports and their next run',
    category: 'Reports',
    run: (ctx) => {
      const jobs = scheduler.list();
      const doc = document().heading('Scheduled reports');
      if (jobs.length === 0) return doc.text('No reports are scheduled.');
      const here = { platform: ctx.message.platform, id: ctx.message.room.id };
      const rows = jobs.map((job) => {
        const target = job.targets.find((t) => t.platform === here.platform && t.roomId === here.id);
        const zone = target?.timeZone ?? job.timeZone;
        const next = job.nextRun === undefined ? 'never' : formatRun(job.nextRun, zone, ctx.settings.locale);
        const where =
          job.targets.length === 0
            ? 'no rooms'
            : target
              ? 'this room' + (job.targets.length > 1 ? ` +${job.targets.length - 1}` : '')
              : `${job.targets.length} room(s)`;
        return [job.description ?? job.id, job.cron, next, where];
      });
      return doc.table(['report', 'cron', 'next run', 'sent to'], rows);
    },
  });
}
