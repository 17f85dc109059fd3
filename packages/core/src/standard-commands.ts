import type { Command } from './commands/index.js';
import type { StatsConfig } from './config/index.js';
import type { ReportBuilder } from './schedule/index.js';
import type { ManagedSources } from './sources/index.js';

/** The analytics and infrastructure commands (filled in when the report builders land). */
export function standardCommands(): Command[] {
  return [];
}

/** The builders of the scheduled daily and weekly reports. */
export function standardReportBuilders(_sources: ManagedSources, _config: StatsConfig): { daily: ReportBuilder; weekly: ReportBuilder } {
  const missing: ReportBuilder = () => Promise.reject(new Error('report builders not wired yet'));
  return { daily: missing, weekly: missing };
}
