/**
 * `@stats/core/charts`: charts to PNG without a browser. A separate entry point, so
 * `@stats/core` never loads ECharts or resvg; both load on the first render.
 *
 * @packageDocumentation
 */
export { renderChartPng, renderChartSvg, DEFAULT_CHART_FONTS, type ChartRenderOptions } from './render-chart.js';
export { chartOption, CHART_FONT_FAMILY } from './chart-option.js';
