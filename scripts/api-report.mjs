#!/usr/bin/env node
// The public API, reviewed: one API Extractor report per public entry point, committed in
// packages/<name>/api/. `pnpm test` runs this in check mode (after `pnpm build`) and fails when the
// built declarations differ from the committed report; `pnpm api:update` rewrites the reports, so
// every change of the public surface is a visible diff in review.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import apiExtractor from '@microsoft/api-extractor';

const { CompilerState, Extractor, ExtractorConfig } = apiExtractor;
const ROOT = resolve(import.meta.dirname, '..');
const update = process.argv.includes('--update');

/** [package folder, entry point (subpath, '' for the root), declaration file under dist]. */
const ENTRY_POINTS = [
  ['core', '', 'index.d.ts'],
  ['core', 'app', 'app/index.d.ts'],
  ['core', 'adapter', 'adapter/index.d.ts'],
  ['core', 'testing', 'testing/index.d.ts'],
  ['core', 'charts', 'charts/index.d.ts'],
  ['core', 'env', 'env/index.d.ts'],
  ['core', 'queue', 'queue/index.d.ts'],
  ['core', 'stores/redis', 'stores/redis/index.d.ts'],
  ['core', 'stores/sqlite', 'stores/sqlite/index.d.ts'],
  ['core', 'stores/postgres', 'stores/postgres/index.d.ts'],
  ['adapter-matrix', '', 'index.d.ts'],
  ['adapter-telegram', '', 'index.d.ts'],
  ['adapter-discord', '', 'index.d.ts'],
];

// The report records every finding beside the declaration; nothing is printed on top of it.
// Missing member docs (ae-undocumented) stay out: they carry source line numbers, so any edit of a
// source file would change the report without changing the API.
const quiet = { logLevel: 'none', addToApiReportFile: true };
let changed = 0;
const compilers = {};
for (const [pkg, subpath, dts] of ENTRY_POINTS) {
  const projectFolder = join(ROOT, 'packages', pkg);
  const name = [pkg, ...(subpath ? [subpath.replaceAll('/', '-')] : [])].join('-');
  const tempFolder = join(ROOT, 'node_modules', '.cache', 'api-report');
  mkdirSync(tempFolder, { recursive: true });
  mkdirSync(join(projectFolder, 'api'), { recursive: true });
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder,
      mainEntryPointFilePath: join(projectFolder, 'dist', dts),
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2022',
            module: 'NodeNext',
            moduleResolution: 'NodeNext',
            strict: true,
            types: ['node'],
            skipLibCheck: true,
          },
        },
      },
      apiReport: {
        enabled: true,
        reportFolder: join(projectFolder, 'api'),
        reportFileName: `${name}.api.md`,
        reportTempFolder: tempFolder,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
      messages: {
        compilerMessageReporting: { default: { logLevel: 'warning' } },
        extractorMessageReporting: {
          default: quiet,
          'ae-undocumented': { logLevel: 'none', addToApiReportFile: false },
          'ae-missing-release-tag': { logLevel: 'none', addToApiReportFile: false },
        },
        tsdocMessageReporting: { default: quiet },
      },
    },
    configObjectFullPath: join(projectFolder, 'api-extractor.json'),
    packageJsonFullPath: join(projectFolder, 'package.json'),
  });
  // One compiler run per package serves all of its entry points.
  const others = ENTRY_POINTS.filter(([p]) => p === pkg).map(([, , d]) => join(projectFolder, 'dist', d));
  compilers[pkg] ??= CompilerState.create(config, { additionalEntryPoints: others });
  const result = Extractor.invoke(config, {
    localBuild: update,
    compilerState: compilers[pkg],
    messageCallback: (message) => {
      if (message.messageId === 'console-compiler-version-notice' || message.logLevel === 'none')
        message.handled = true;
    },
  });
  if (result.apiReportChanged) changed++;
  const state = result.apiReportChanged ? (update ? 'updated' : 'CHANGED') : 'unchanged';
  process.stdout.write(`[api] ${name}: ${state}\n`);
  if (!result.succeeded && !result.apiReportChanged) {
    process.stdout.write(`[api] ${name}: API Extractor failed (${result.errorCount} errors)\n`);
    process.exitCode = 1;
  }
}
if (changed > 0 && !update) {
  process.stdout.write(
    `[api] ${changed} public API report(s) differ from the build. Review the change, then run \`pnpm api:update\`\n` +
      '[api] and commit packages/*/api/*.api.md (the new reports are in node_modules/.cache/api-report).\n',
  );
  process.exitCode = 1;
}
