#!/usr/bin/env node
// The library without the application (issue 15): copies packages/core without src/app and
// test/app into a temporary directory, type-checks what is left (sources and tests) with tsc, and
// runs its Vitest tests there. A library file that imports the application fails to compile, a
// library test that needs it fails to load. Ends with "library alone: N passed, N failed".
//
//   node scripts/library-alone.mjs [vitest filters…]
//
// The copy keeps the repository's layout (<tmp>/packages/core, <tmp>/tsconfig.base.json) and
// links the workspace's installed node_modules, so nothing is installed.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CORE = join(ROOT, 'packages', 'core');
// test/footprint.test.ts checks the build with bench/tools: the copy has neither.
const SKIP = new Set([
  'node_modules',
  'dist',
  '.tsdoc-examples',
  join('src', 'app'),
  join('test', 'app'),
  join('test', 'footprint.test.ts'),
]);

const tmp = mkdtempSync(join(tmpdir(), 'stats-library-alone-'));
const core = join(tmp, 'packages', 'core');
let passed = 0;
let failed = 0;

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: core, encoding: 'utf8', ...options });
  return { status: result.status ?? 1, out: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

try {
  mkdirSync(core, { recursive: true });
  cpSync(CORE, core, {
    recursive: true,
    filter: (source) => {
      const rel = relative(CORE, source);
      return (
        rel === '' || (!SKIP.has(rel) && !rel.endsWith('.tsbuildinfo') && !rel.split(sep).includes('node_modules'))
      );
    },
  });
  if (existsSync(join(core, 'src', 'app')) || existsSync(join(core, 'test', 'app')))
    throw new Error('the copy still holds the application');
  cpSync(join(ROOT, 'tsconfig.base.json'), join(tmp, 'tsconfig.base.json'));
  symlinkSync(join(CORE, 'node_modules'), join(core, 'node_modules'), 'dir');
  symlinkSync(join(ROOT, 'node_modules'), join(tmp, 'node_modules'), 'dir');
  // The library's package.json names no ./app entry point any more.
  const pkg = JSON.parse(readFileSync(join(core, 'package.json'), 'utf8'));
  delete pkg.exports['./app'];
  writeFileSync(join(core, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);

  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  writeFileSync(
    join(core, 'tsconfig.alone.json'),
    JSON.stringify({
      extends: '../../tsconfig.base.json',
      compilerOptions: { noEmit: true, declaration: false, declarationMap: false, composite: false },
      include: ['src/**/*.ts', 'test/**/*.ts'],
    }),
  );
  const typecheck = run(process.execPath, [tsc, '-p', 'tsconfig.alone.json']);
  if (typecheck.status === 0) {
    passed++;
    process.stdout.write('[library alone] tsc: the library and its tests type-check without src/app\n');
  } else {
    failed++;
    process.stdout.write(`[library alone] tsc failed without src/app:\n${typecheck.out}\n`);
  }

  writeFileSync(
    join(tmp, 'vitest.config.mjs'),
    `export default {
  resolve: { conditions: ['@stats/source'] },
  ssr: { resolve: { conditions: ['@stats/source'], externalConditions: ['@stats/source'] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    setupFiles: [${JSON.stringify(join(ROOT, 'packages', 'test-utils', 'src', 'log-scan-setup.ts'))}],
    include: ['packages/core/src/**/*.test.ts', 'packages/core/test/**/*.test.ts'],
  },
};
`,
  );
  const report = join(tmp, 'vitest.json');
  const vitest = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
  const filters = process.argv.slice(2).filter((arg) => arg !== '--');
  const tests = spawnSync(
    process.execPath,
    [
      vitest,
      'run',
      '--config',
      join(tmp, 'vitest.config.mjs'),
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${report}`,
      ...filters,
    ],
    {
      cwd: tmp,
      stdio: 'inherit',
    },
  );
  try {
    const summary = JSON.parse(readFileSync(report, 'utf8'));
    passed += summary.numPassedTests;
    failed += summary.numFailedTests;
    if (summary.numTotalTests === 0 || ((tests.status ?? 1) !== 0 && summary.numFailedTests === 0)) failed++;
  } catch {
    process.stdout.write('[library alone] Vitest wrote no report\n');
    failed++;
  }
} catch (error) {
  process.stdout.write(`[library alone] ${error instanceof Error ? error.message : String(error)}\n`);
  failed++;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.stdout.write(`library alone: ${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
