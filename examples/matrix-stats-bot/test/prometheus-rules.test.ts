import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '@stats/core';

// deploy/prometheus/stats-bot.rules.yml, checked and unit-tested by the real promtool (Debian's
// `prometheus` package, installed by scripts/test-setup.mjs) with input series that make each
// alert fire beside series that must not (deploy/prometheus/stats-bot.rules.test.yml).
const DIR = fileURLToPath(new URL('../../../deploy/prometheus/', import.meta.url));

function promtool(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync('promtool', args, { cwd: DIR, encoding: 'utf8' });
  if (result.error)
    throw new Error(
      `promtool is missing (${result.error.message}): apt-get install prometheus, or run node scripts/test-setup.mjs`,
    );
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('deploy/prometheus/stats-bot.rules.yml', () => {
  it('passes promtool check rules', () => {
    const { status, output } = promtool('check', 'rules', 'stats-bot.rules.yml');
    expect(output).toMatch(/SUCCESS: 11 rules found/);
    expect(status).toBe(0);
  });

  it('fires each alert on its failing series and on nothing else (promtool test rules)', () => {
    const { status, output } = promtool('test', 'rules', 'stats-bot.rules.test.yml');
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
  });

  it('covers every alert the operator needs, each with a unit test', () => {
    const rules = readFileSync(`${DIR}stats-bot.rules.yml`, 'utf8');
    const tests = readFileSync(`${DIR}stats-bot.rules.test.yml`, 'utf8');
    const alerts = [...rules.matchAll(/- alert: (\w+)/g)].map((m) => m[1]!);
    expect(alerts).toEqual(
      expect.arrayContaining([
        'StatsBotDown',
        'StatsBotNotReady',
        'StatsBotCommandErrors',
        'StatsBotUpstreamFailing',
        'StatsBotDeliveriesFailing',
        'StatsBotDeliveriesRetrying',
        'StatsBotMatrixSyncStalled',
        'StatsBotTelegramDisconnected',
        'StatsBotDiscordDisconnected',
        'StatsBotReplicasWithoutLeader',
      ]),
    );
    for (const alert of alerts)
      expect(tests, `no promtool test for ${alert}`).toContain(
        `alertname: ${alert}\n        exp_alerts:\n          - exp_labels`,
      );
  });

  it('uses only metrics the bot exports', async () => {
    const rules = readFileSync(`${DIR}stats-bot.rules.yml`, 'utf8');
    const used = new Set([...rules.matchAll(/\b(stats_[a-z_]+)\b/g)].map((m) => m[1]!));
    const exported = new Set((await createMetrics().registry.getMetricsAsJSON()).map((m) => m.name));
    expect(used.size).toBeGreaterThan(5);
    for (const name of used) expect(exported, `${name} is not exported`).toContain(name);
  });
});
