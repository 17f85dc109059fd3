import { describe, expect, it } from 'vitest';
import { plainRenderer } from '../../document/index.js';
import { bearerMatches } from './alert-relay.js';
import { renderAlertGroup } from './render-alerts.js';
import { webhookPayloadSchema } from './webhook-payload.js';
import { parseSilenceDuration } from './silence-commands.js';

const payload = webhookPayloadSchema.parse({
  version: '4',
  groupKey: '{}:{alertname="DiskFull"}',
  status: 'resolved',
  receiver: 'stats',
  commonLabels: { alertname: 'DiskFull' },
  alerts: [
    {
      status: 'resolved',
      labels: { alertname: 'DiskFull', severity: 'warning', mount: '/var' },
      annotations: {
        summary: 'Disk almost full',
        runbook_url: 'javascript:alert(1)',
        dashboard_url: 'https://grafana.example/d/1',
      },
      startsAt: '2026-06-01T07:00:00Z',
      endsAt: '2026-06-01T07:30:00Z',
      generatorURL: 'http://prom.example/graph',
      fingerprint: '0123456789abcdef',
    },
  ],
});

describe('Alertmanager relay parts', () => {
  it('renders a resolved group with its times in the zone and only http links', () => {
    const doc = renderAlertGroup(payload, { timeZone: 'Europe/Berlin' });
    const text = plainRenderer.render(doc).join('\n');
    expect(text).toMatch(/RESOLVED: DiskFull/);
    expect(text).toMatch(/Started: 1 Jun, 09:00 CEST/);
    expect(text).toMatch(/Ended: 1 Jun, 09:30 CEST/);
    expect(text).toMatch(/mount=\/var/);
    expect(JSON.stringify(doc)).not.toMatch(/javascript:/);
    expect(JSON.stringify(doc)).toMatch(/grafana\.example/);
    expect(doc.tone).toBe('success');
  });

  it('accepts only payload version 4', () => {
    expect(webhookPayloadSchema.safeParse({ ...payload, version: '3' }).success).toBe(false);
  });

  it('compares bearer tokens exactly', () => {
    const token = 'x'.repeat(20);
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`Bearer ${token}y`, token)).toBe(false);
    expect(bearerMatches(undefined, token)).toBe(false);
    expect(bearerMatches('Basic abc', token)).toBe(false);
  });

  it('reads silence durations', () => {
    expect([
      parseSilenceDuration('30m'),
      parseSilenceDuration('2h'),
      parseSilenceDuration('1w'),
      parseSilenceDuration('soon'),
    ]).toEqual([1_800_000, 7_200_000, 604_800_000, undefined]);
  });
});
