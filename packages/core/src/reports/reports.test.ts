import { describe, expect, it } from 'vitest';
import { plainRenderer } from '../document/index.js';
import type { SystemSnapshot } from '../sources/index.js';
import { createFormatter } from './format.js';
import { cpuMemoryChart, servicesReport, systemReport, trafficReport } from './infrastructure-reports.js';
import { periodReport } from './period-report.js';
import { realtimeReport, statsReport, visitorsChart } from './website-reports.js';

const fmt = createFormatter('en', 'Europe/Berlin');
const plain = (doc: Parameters<typeof plainRenderer.render>[0]): string => plainRenderer.render(doc).join('\n');
const range = { startAt: Date.parse('2026-02-01T23:00:00Z'), endAt: Date.parse('2026-02-02T23:00:00Z') };

describe('report builders', () => {
  it('sorts websites by visitors and says when there are none', () => {
    const site = (name: string, visitors: number) => ({
      website: { id: name, name, domain: undefined },
      stats: {
        current: { pageviews: visitors * 2, visitors, visits: visitors, bounces: 0, totaltime: 0 },
        previous: { pageviews: 0, visitors: 10, visits: 0, bounces: 0, totaltime: 0 },
      },
    });
    const text = plain(statsReport({ range, sites: [site('small', 5), site('big', 50)] }, fmt));
    expect(text.indexOf('big')).toBeLessThan(text.indexOf('small'));
    expect(text).toMatch(/Visitors:?\s+55 \(\+175%\)/);
    expect(plain(statsReport({ range, sites: [] }, fmt))).toContain('No websites in Umami yet.');
  });

  it('puts down services first and sets the tone', () => {
    const doc = servicesReport(
      [
        { job: 'a', instance: 'x:1', up: true },
        { job: 'b', instance: 'y:1', up: false },
      ],
      fmt,
    );
    expect(doc.tone).toBe('error');
    const text = plain(doc);
    expect(text).toContain('Services: 1 up, 1 down');
    expect(text.indexOf('DOWN')).toBeLessThan(text.indexOf('UP', text.indexOf('DOWN')));
    expect(servicesReport([], fmt).blocks.some((b) => b.type === 'text')).toBe(true);
  });

  it('warns about a full disk and shows missing figures as no data', () => {
    const snapshot: SystemSnapshot = {
      source: 'host',
      hostname: 'mini',
      cpuPercent: undefined,
      memoryPercent: 50,
      memoryTotalBytes: 8 * 1024 ** 3,
      memoryAvailableBytes: 4 * 1024 ** 3,
      disks: [{ mountpoint: '/', usedPercent: 91, sizeBytes: 100 * 1024 ** 3, availableBytes: 9 * 1024 ** 3 }],
      load: undefined,
      uptimeSeconds: 90_000,
      cpuCount: 4,
    };
    const doc = systemReport(snapshot, fmt);
    expect(doc.tone).toBe('warning');
    const text = plain(doc);
    expect(text).toMatch(/CPU:?\s+no data/);
    expect(text).toMatch(/Memory:?\s+50% \(4 GB of 8 GB\)/);
    expect(text).toMatch(/Uptime:?\s+1d 1h/);
  });

  it('shows traffic figures with units', () => {
    const text = plain(
      trafficReport(
        [
          { job: 'api', requestsPerSecond: 12.345, errorRate: 0.0123, p95Seconds: 0.2345 },
          { job: 'new', requestsPerSecond: undefined, errorRate: undefined, p95Seconds: undefined },
        ],
        fmt,
      ),
    );
    expect(text).toMatch(/api\s+12\.35\s+1\.23%\s+235 ms/);
    expect(text).toMatch(/new\s+no data\s+no data\s+no data/);
  });

  it('sums realtime visitors and lists unknown ones as no data', () => {
    const text = plain(
      realtimeReport(
        {
          at: range.endAt,
          sites: [
            { website: { id: '1', name: 'a', domain: undefined }, active: 3 },
            { website: { id: '2', name: 'b', domain: undefined }, active: undefined },
          ],
        },
        fmt,
      ),
    );
    expect(text).toMatch(/Active visitors:?\s+3/);
    expect(text).toMatch(/b\s+no data/);
  });

  it('builds the daily report from what is configured and says what failed', () => {
    const doc = periodReport(
      {
        period: 'daily',
        range,
        analytics: { error: 'Umami is unreachable right now. Please try again later.' },
        infrastructure: {
          targets: [{ job: 'api', instance: 'a', up: true }],
          disks: [{ mountpoint: '/data', usedPercent: 97, sizeBytes: 1e9, availableBytes: 3e7 }],
        },
        signups: { count: 4, previous: 2 },
      },
      fmt,
    );
    const text = plain(doc);
    expect(text).toContain('Daily report: Mon, Feb 2');
    expect(text).toContain('Umami is unreachable right now.');
    expect(text).toContain('All 1 services are up.');
    expect(text).toMatch(/\/data: 97% used/);
    expect(text).toMatch(/New users:?\s+4 \(\+100%\)/);
    expect(doc.tone).toBe('warning');
    expect(plain(periodReport({ period: 'weekly', range }, fmt))).toContain('Nothing to report');
  });

  it('gives their charts the locale of the formatter, for the axis numbers', () => {
    const de = createFormatter('de', 'Europe/Berlin');
    expect(
      visitorsChart(
        [
          { day: '2026-02-01', visitors: 1200 },
          { day: '2026-02-02', visitors: 1300 },
        ],
        de,
      ).spec.locale,
    ).toBe('de');
    expect(
      cpuMemoryChart(
        [
          {
            name: 'CPU',
            points: [
              { t: 0, v: 1 },
              { t: 60_000, v: 2 },
            ],
          },
        ],
        de,
      ).spec.locale,
    ).toBe('de');
    expect(visitorsChart([{ day: '2026-02-01', visitors: 1 }], fmt).spec.locale).toBe('en');
  });
});
