import { existsSync } from 'node:fs';
import type { ImageAttachment } from '../chat/index.js';
import type { ChartSpec } from '../document/index.js';
import { CHART_FONT_FAMILY, chartOption } from './chart-option.js';

/** Options of {@link renderChartPng}. */
export interface ChartRenderOptions {
  /** Pixels (default 800 × 400). */
  readonly width?: number;
  readonly height?: number;
  /** TTF/OTF files to draw text with (default DejaVu Sans from `fonts-dejavu-core`). */
  readonly fontFiles?: readonly string[];
}

/** Where Debian's `fonts-dejavu-core` puts the default chart font. */
// One face only: every font file is parsed again on each render, so a bold face would cost
// as much again; the title is set larger instead.
export const DEFAULT_CHART_FONTS: readonly string[] = ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'];

type Echarts = typeof import('echarts');
type ResvgModule = typeof import('@resvg/resvg-js');

let echartsModule: Promise<Echarts> | undefined;
/** Recently rendered PNGs by spec: the same chart fanned out to many rooms renders once. */
const recent = new Map<string, Promise<ImageAttachment>>();
const RECENT_MAX = 32;
let resvgModule: Promise<ResvgModule> | undefined;

function loadEcharts(): Promise<Echarts> {
  echartsModule ??= import('echarts').catch((err: unknown) => {
    echartsModule = undefined;
    throw new Error('Charts need the optional peer dependency "echarts": pnpm add echarts', { cause: err });
  });
  return echartsModule;
}

function loadResvg(): Promise<ResvgModule> {
  resvgModule ??= import('@resvg/resvg-js').catch((err: unknown) => {
    resvgModule = undefined;
    throw new Error('PNG charts need the optional peer dependency "@resvg/resvg-js": pnpm add @resvg/resvg-js', {
      cause: err,
    });
  });
  return resvgModule;
}

/**
 * Renders a chart to SVG with ECharts' server-side renderer (no browser, no canvas).
 *
 * @example
 * const points = [{ x: '09:00', y: 12.5 }, { x: '10:00', y: 31 }];
 * const svg = await renderChartSvg({ kind: 'line', title: 'CPU', unit: '%', series: [{ name: 'CPU', points }] });
 */
export async function renderChartSvg(
  spec: ChartSpec,
  options: Pick<ChartRenderOptions, 'width' | 'height'> = {},
): Promise<string> {
  const echarts = await loadEcharts();
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: options.width ?? 800,
    height: options.height ?? 400,
  });
  try {
    chart.setOption(chartOption(spec));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/**
 * Renders a chart block's {@link ChartSpec} to a PNG an adapter can send (`sendImage`):
 * ECharts SSR to SVG, then resvg to PNG with the DejaVu font, so text renders the same on
 * every machine. Both libraries load on first use only. The last 32 distinct charts are kept,
 * so one chart sent to many rooms is rendered once (treat the returned bytes as read-only).
 *
 * @throws Error when a font file is missing (install `fonts-dejavu-core`, or pass `fontFiles`)
 *   or an optional peer dependency is not installed.
 * @example
 * import { renderChartPng } from '@stats/core/charts';
 * const image = await renderChartPng(chart);
 * await adapter.sendImage?.(room, image);
 */
export function renderChartPng(spec: ChartSpec, options: ChartRenderOptions = {}): Promise<ImageAttachment> {
  const key = JSON.stringify([spec, options.width, options.height, options.fontFiles]);
  const hit = recent.get(key);
  if (hit !== undefined) {
    recent.delete(key);
    recent.set(key, hit);
    return hit;
  }
  const rendering = renderUncached(spec, options);
  recent.set(key, rendering);
  rendering.catch(() => recent.delete(key));
  while (recent.size > RECENT_MAX) {
    const oldest = recent.keys().next().value;
    if (oldest === undefined) break;
    recent.delete(oldest);
  }
  return rendering;
}

async function renderUncached(spec: ChartSpec, options: ChartRenderOptions): Promise<ImageAttachment> {
  const width = options.width ?? 800;
  const height = options.height ?? 400;
  const fontFiles = [...(options.fontFiles ?? DEFAULT_CHART_FONTS)];
  const missing = fontFiles.filter((f) => !existsSync(f));
  if (missing.length > 0)
    throw new Error(`Chart font missing: ${missing.join(', ')} (apt-get install fonts-dejavu-core, or pass fontFiles)`);
  const [svg, { Resvg }] = await Promise.all([renderChartSvg(spec, { width, height }), loadResvg()]);
  const png = new Resvg(svg, {
    fitTo: { mode: 'width', value: width },
    background: '#ffffff',
    font: {
      fontFiles,
      loadSystemFonts: false,
      defaultFontFamily: CHART_FONT_FAMILY,
      sansSerifFamily: CHART_FONT_FAMILY,
    },
  })
    .render()
    .asPng();
  const alt = `${spec.title}: ${spec.series.map((s) => s.name).join(', ')}`;
  const slug =
    spec.title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'chart';
  return {
    png: new Uint8Array(png.buffer, png.byteOffset, png.byteLength),
    width,
    height,
    alt,
    filename: `${slug}.png`,
  };
}
