import { analyticsCommands, createPeriodReportBuilders } from './commands/index.js';
import type { Command } from '../commands/index.js';
import type { StatsConfig } from './config/index.js';
import type { ReportBuilder } from '../schedule/index.js';
import type { Sources } from '../sources/index.js';

/** The analytics and infrastructure commands every stats bot has. */
export function standardCommands(): Command[] {
  return analyticsCommands();
}

/** The builders of the scheduled daily and weekly reports, on the bot's sources. */
export function standardReportBuilders(sources: Sources, config: StatsConfig): { daily: ReportBuilder; weekly: ReportBuilder } {
  return createPeriodReportBuilders(sources, config);
}
