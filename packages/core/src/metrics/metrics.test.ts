import { describe, expect, it } from 'vitest';
import { createMetrics, scrapeEndpoint } from './metrics.js';

describe('metrics kept without prom-client until scraped', () => {
  it('shows on the first scrape what was counted and set before the registry existed', async () => {
    const metrics = createMetrics({ processMetrics: false });
    metrics.commandErrors.inc({ code: 'timeout' }, 2);
    metrics.adapterReady.set({ platform: 'console' }, 1);
    metrics.scheduleOverdue.set({ schedule: 'daily' }, 30);
    metrics.scheduleOverdue.inc({ schedule: 'daily' }, -30);
    metrics.commandDuration.series('ping', 'console').observe(0.002);
    const endpoint = scrapeEndpoint(metrics);
    const text = await endpoint.metrics();
    expect(endpoint.contentType).toMatch(/^text\/plain/);
    expect(text).toContain('# TYPE stats_command_errors_total counter\nstats_command_errors_total{code="timeout"} 2');
    expect(text).toContain('# TYPE stats_adapter_ready gauge\nstats_adapter_ready{platform="console"} 1');
    expect(text).toContain('stats_schedule_overdue_seconds{schedule="daily"} 0');
    expect(text).toContain('stats_command_duration_seconds_bucket{command="ping",platform="console",le="0.001"} 0');
    expect(text).toContain('stats_command_duration_seconds_bucket{command="ping",platform="console",le="0.005"} 1');
    expect(text).not.toContain('process_cpu');
    metrics.commandErrors.inc({ code: 'timeout' });
    expect(await metrics.registry.getSingleMetricAsString('stats_command_errors_total')).toContain(
      'stats_command_errors_total{code="timeout"} 3',
    );
    expect(metrics.registry).toBe(metrics.registry);
  });
});
