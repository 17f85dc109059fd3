#!/usr/bin/env node
// `pnpm test`: prepares the machine (scripts/test-setup.mjs), type-checks and lints the packages and the
// tests, runs every Vitest project, and closes with one plain line "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function run(command, args) {
  const result = spawnSync(command, args, { stdio: 'inherit' });
  return result.status ?? 1;
}

if (run(process.execPath, ['scripts/test-setup.mjs']) !== 0) process.exit(1);
process.stdout.write('[test] type-checking packages, examples and tests (tsc -b, tsc -p tsconfig.test.json)\n');
if (run('pnpm', ['exec', 'tsc', '-b']) !== 0 || run('pnpm', ['exec', 'tsc', '-p', 'tsconfig.test.json']) !== 0) {
  process.stdout.write('0 passed, 1 failed\n');
  process.exit(1);
}
process.stdout.write('[test] linting (eslint: floating and misused promises, no any)\n');
if (run('pnpm', ['exec', 'eslint', '.']) !== 0) {
  process.stdout.write('0 passed, 1 failed\n');
  process.exit(1);
}
const report = join(mkdtempSync(join(tmpdir(), 'stats-test-')), 'vitest.json');
const code = run('pnpm', ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);
try {
  const summary = JSON.parse(readFileSync(report, 'utf8'));
  process.stdout.write(`\n${summary.numPassedTests} passed, ${summary.numFailedTests} failed\n`);
  if (summary.numTotalTests === 0) process.exit(1);
} catch {
  process.stdout.write('\nno test report was written\n');
}
process.exit(code);
