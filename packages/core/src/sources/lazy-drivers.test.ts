import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HEAVY = ['pg', 'echarts', '@resvg/resvg-js', 'better-sqlite3', 'ioredis', 'bullmq'];
/** Loaded on first use too, so a console bot without upstreams or schedules never pays for them. */
const ON_FIRST_USE = ['undici', 'node-cron', 'jose'];

/** Every package a file reaches through static (non-type) imports, following relative ones. */
function staticPackages(entry: string): Map<string, string> {
  const found = new Map<string, string>();
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    const pattern = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\s+from\s+)?['"]([^'"]+)['"]/gm;
    for (const match of text.matchAll(pattern)) {
      const spec = match[1] ?? '';
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else if (!spec.startsWith('node:')) found.set(spec, file.slice(SRC.length + 1));
    }
  };
  visit(entry);
  return found;
}

describe('lazy drivers', () => {
  it('@stats/core never imports a database driver, ECharts or resvg statically', () => {
    const packages = staticPackages(resolve(SRC, 'index.ts'));
    const heavy = [...packages.entries()].filter(([name]) => HEAVY.some((h) => name === h || name.startsWith(`${h}/`)));
    expect(heavy).toEqual([]);
  });

  it('@stats/core loads undici, node-cron and jose on first use only (JWT claims are decoded by hand)', () => {
    const packages = [...staticPackages(resolve(SRC, 'index.ts')).keys()];
    expect(packages.filter((name) => ON_FIRST_USE.includes(name))).toEqual([]);
    expect(packages.filter((name) => name.startsWith('jose/'))).toEqual([]);
  });

  it('@stats/core loads prom-client and pino with the first bot or logger, not when imported', () => {
    const packages = [...staticPackages(resolve(SRC, 'index.ts')).keys()];
    expect(packages.filter((name) => name === 'prom-client' || name === 'pino')).toEqual([]);
  });

  it('@stats/core/charts loads ECharts and resvg only when rendering', () => {
    const packages = staticPackages(resolve(SRC, 'charts/index.ts'));
    expect([...packages.keys()].filter((name) => HEAVY.includes(name))).toEqual([]);
  });
});
