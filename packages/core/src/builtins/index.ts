export * from './analytics-commands.js';
export * from './period-reports.js';
export { gatherWebsiteStats, gatherSiteStats, gatherTop, gatherDailyVisitors } from './gather.js';
