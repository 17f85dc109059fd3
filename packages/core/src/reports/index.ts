export * from './format.js';
export { GERMAN } from './labels.js';
export * from './time-range.js';
export * from './website-reports.js';
export * from './infrastructure-reports.js';
export * from './growth-report.js';
export * from './period-report.js';
