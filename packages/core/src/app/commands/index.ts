export * from './analytics-commands.js';
export * from './scheduled-report-builders.js';
export { gatherWebsiteStats, gatherSiteStats, gatherTop, gatherDailyVisitors } from './gather.js';
