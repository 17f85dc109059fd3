import { describe, expect, it } from 'vitest';
import type { ChartSpec } from '../document/index.js';
import { chartOption, renderChartPng, renderChartSvg } from './index.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const week: ChartSpec = {
  kind: 'bar',
  title: 'Visitors per day',
  unit: 'visitors',
  series: [
    {
      name: 'Visitors',
      points: ['02-01', '02-02', '02-03', '02-04', '02-05', '02-06', '02-07'].map((x, i) => ({
        x,
        y: [400, 380, 420, 390, 510, 300, 280][i] ?? 0,
      })),
    },
  ],
};

const cpuMemory: ChartSpec = {
  kind: 'line',
  title: 'CPU and memory',
  unit: '%',
  series: [
    {
      name: 'CPU %',
      points: Array.from({ length: 48 }, (_, i) => ({
        x: `${String(i >> 1).padStart(2, '0')}:${i % 2 ? '30' : '00'}`,
        y: 20 + (i % 7) * 5,
      })),
    },
    {
      name: 'Memory %',
      points: Array.from({ length: 48 }, (_, i) => ({
        x: `${String(i >> 1).padStart(2, '0')}:${i % 2 ? '30' : '00'}`,
        y: i === 10 ? Number.NaN : 60,
      })),
    },
  ],
};

describe('charts', () => {
  it('renders the 7-day traffic chart to a PNG of the asked size', async () => {
    const image = await renderChartPng(week);
    expect([...image.png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    const view = new DataView(image.png.buffer, image.png.byteOffset);
    expect(view.getUint32(16)).toBe(800);
    expect(view.getUint32(20)).toBe(400);
    expect(image.alt).toBe('Visitors per day: Visitors');
    expect(image.filename).toBe('visitors-per-day.png');
    expect(image.png.length).toBeGreaterThan(5000);
  });

  it('renders the CPU/memory chart with a legend, a NaN gap and text in the DejaVu font', async () => {
    const svg = await renderChartSvg(cpuMemory);
    expect(svg).toContain('CPU and memory');
    expect(svg).toContain('Memory %');
    expect(svg).toContain('DejaVu Sans');
    const image = await renderChartPng(cpuMemory, { width: 640, height: 320 });
    expect(new DataView(image.png.buffer, image.png.byteOffset).getUint32(16)).toBe(640);
  });

  it('numbers the y axis in the locale of the chart', async () => {
    const big: ChartSpec = {
      kind: 'bar',
      title: 'Requests',
      unit: 'requests',
      series: [
        {
          name: 'Requests',
          points: [
            { x: 'a', y: 1234.5 },
            { x: 'b', y: 5000 },
          ],
        },
      ],
    };
    const de = await renderChartSvg({ ...big, locale: 'de' });
    const en = await renderChartSvg(big);
    const labels = (svg: string): string[] => [...svg.matchAll(/>([\d.,]+)</g)].map((m) => m[1] ?? '');
    expect(labels(de)).toContain('5.000');
    expect(labels(de)).not.toContain('5,000');
    expect(labels(en)).toContain('5,000');
    const yLabel = (spec: ChartSpec): ((value: number) => string) =>
      (chartOption(spec)['yAxis'] as { axisLabel: { formatter: (value: number) => string } }).axisLabel.formatter;
    expect(yLabel({ ...big, locale: 'de' })(1234.5)).toBe('1.234,5');
    expect(yLabel(big)(1234.5)).toBe('1,234.5');
    expect(yLabel({ ...cpuMemory, locale: 'de' })(12.5)).toBe('12,5\u00a0%');
    expect(yLabel(cpuMemory)(12.5)).toBe('12.5%');
  });

  it('keeps markup in labels as text', async () => {
    const svg = await renderChartSvg({
      ...week,
      title: '<script>alert(1)</script>',
      series: [{ name: '<img src=x>', points: [{ x: '"><b>', y: 1 }] }],
    });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<img');
    expect(svg).toContain('&lt;script&gt;');
    await expect(renderChartPng({ ...week, title: '<script>alert(1)</script>' })).resolves.toHaveProperty('png');
  });

  it('renders one chart once when it is sent to many rooms', async () => {
    const spec: ChartSpec = { ...week, title: 'Fan-out' };
    const [a, b] = await Promise.all([renderChartPng(spec), renderChartPng(spec)]);
    expect(a).toBe(b);
    expect(await renderChartPng({ ...spec, title: 'Other' })).not.toBe(a);
  });

  it('says which font is missing', async () => {
    await expect(renderChartPng(week, { fontFiles: ['/nonexistent/font.ttf'] })).rejects.toThrow(/fonts-dejavu-core/);
  });
});
