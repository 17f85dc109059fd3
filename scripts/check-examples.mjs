#!/usr/bin/env node
// Type-checks every `@example` in the TSDoc of the published packages, as a reader would paste it:
// against the real entry points (every name of @stats/core, /app, /testing and the adapters is in
// scope) plus the few placeholders examples lean on (`config`, `adapters`, `commands`, …), which
// scripts/examples/prelude.ts declares with their real types. An example that names an API that
// does not exist, passes a wrong option or forgets an `await` fails here.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
// Inside @stats/core, so the optional peers examples import (ioredis, better-sqlite3) resolve from its devDependencies.
const OUT = join(ROOT, 'packages/core/.tsdoc-examples');

/** The names an entry point exports, read from its `export { … }` lists and `export *` faces. */
function exportedNames(file, seen = new Set()) {
  if (seen.has(file)) return new Set();
  seen.add(file);
  const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const names = new Set();
  for (const [, list] of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of list.split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .pop()
        ?.trim();
      if (name) names.add(name);
    }
  }
  for (const [, spec] of text.matchAll(/export\s+(?:type\s+)?\*\s+from\s+'(\.[^']+)'/g)) {
    const target = join(file, '..', spec.replace(/\.js$/, '.ts'));
    for (const n of exportedNames(target, seen)) names.add(n);
  }
  for (const [, name] of text.matchAll(
    /export\s+(?:declare\s+)?(?:async\s+)?(?:function|const|class|interface|type|let)\s+([A-Za-z_$][\w$]*)/g,
  ))
    names.add(name);
  return names;
}

const ENTRIES = [
  ['@stats/core', 'packages/core/src/index.ts'],
  ['@stats/core/app', 'packages/core/src/app/index.ts'],
  ['@stats/core/adapter', 'packages/core/src/adapter/index.ts'],
  ['@stats/core/testing', 'packages/core/src/testing/index.ts'],
  ['@stats/adapter-matrix', 'packages/adapter-matrix/src/index.ts'],
  ['@stats/adapter-telegram', 'packages/adapter-telegram/src/index.ts'],
  ['@stats/adapter-discord', 'packages/adapter-discord/src/index.ts'],
  ['@stats/core/stores/sqlite', 'packages/core/src/stores/sqlite/index.ts'],
  ['@stats/core/stores/redis', 'packages/core/src/stores/redis/index.ts'],
  ['@stats/core/stores/postgres', 'packages/core/src/stores/postgres/index.ts'],
  ['@stats/core/queue', 'packages/core/src/queue/index.ts'],
  ['@stats/core/charts', 'packages/core/src/charts/index.ts'],
  ['@stats/core/env', 'packages/core/src/env/index.ts'],
];
const prelude = readFileSync(join(ROOT, 'scripts/examples/prelude.ts'), 'utf8');
const placeholders = new Set([...prelude.matchAll(/export declare (?:const|function) ([\w$]+)/g)].map((m) => m[1]));
const taken = new Set(placeholders);
const imports = [];
for (const [specifier, file] of ENTRIES) {
  const names = [...exportedNames(join(ROOT, file))].filter((n) => !taken.has(n));
  for (const n of names) taken.add(n);
  if (names.length > 0) imports.push(`import { ${names.join(', ')} } from '${specifier}';`);
}

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) yield path;
  }
}

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
const files = [];
for (const pkg of readdirSync(join(ROOT, 'packages'))) {
  if (pkg === 'test-utils') continue;
  for (const file of sources(join(ROOT, 'packages', pkg, 'src'))) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/^[ \t]*\* @example[^\n]*\n((?:[ \t]*\*(?!\/)(?! @)[^\n]*\n)+)/gm)) {
      const code = match[1]
        .split('\n')
        .map((line) => line.replace(/^[ \t]*\* ?/, ''))
        .join('\n');
      const line = text.slice(0, match.index).split('\n').length;
      const own = code.match(/^import[^\n]*$/gm) ?? [];
      const ownNames = new Set(own.flatMap((l) => (l.match(/\{([^}]*)\}/)?.[1] ?? '').split(',').map((n) => n.trim())));
      // Like a doc test inside its crate: the file's own exports are in scope, internal ones too.
      const local = [...exportedNames(file)].filter((n) => !taken.has(n) && !ownNames.has(n));
      const localImport =
        local.length === 0
          ? ''
          : `import { ${local.join(', ')} } from '${relative(OUT, file).replace(/\.ts$/, '.js')}';`;
      const scoped = imports
        .map((line) =>
          line.replace(
            /\{ ([^}]*) \}/,
            (_, names) =>
              `{ ${names
                .split(', ')
                .filter((n) => !ownNames.has(n))
                .join(', ')} }`,
          ),
        )
        .filter((line) => !line.startsWith('import {  }'));
      const body = code.replace(/^import[^\n]*$/gm, '').replace(/^export\s+/gm, '');
      const name = `${relative(ROOT, file).replace(/[/.]/g, '_')}_${line}.ts`;
      const head = `// ${relative(ROOT, file)}:${line}\n${scoped.join('\n')}\n${localImport}\nimport { ${[...placeholders].join(', ')} } from '../../../scripts/examples/prelude.js';\n${own.join('\n')}\n`;
      writeFileSync(
        join(OUT, name),
        `${head}export async function example(): Promise<unknown> {\n${body}\nreturn undefined;\n}\n`,
      );
      files.push(name);
    }
  }
}
writeFileSync(
  join(OUT, 'tsconfig.json'),
  JSON.stringify(
    {
      extends: '../../../tsconfig.base.json',
      compilerOptions: {
        paths: Object.fromEntries(ENTRIES.map(([spec, file]) => [spec, [`../../../${file}`]])),
        noEmit: true,
        verbatimModuleSyntax: false,
        isolatedModules: false,
        composite: false,
        declaration: false,
        declarationMap: false,
        noUnusedLocals: false,
        noUnusedParameters: false,
        allowUnreachableCode: true,
        types: ['node'],
      },
      include: ['*.ts', '../../../scripts/examples/prelude.ts'],
    },
    null,
    2,
  ),
);
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', join(OUT, 'tsconfig.json')], { encoding: 'utf8', cwd: ROOT });
const errors = (result.stdout + result.stderr).split('\n').filter((l) => /error TS/.test(l));
const failing = new Map();
for (const error of errors) {
  const path = error.split('(')[0] ?? '';
  const file = path.split('/').pop() ?? '';
  const origin = path.includes('.tsdoc-examples/')
    ? (readFileSync(join(OUT, file), 'utf8').split('\n')[0]?.replace('// ', '') ?? file)
    : path;
  failing.set(origin, [...(failing.get(origin) ?? []), error.replace(/^[^:]*: /, '')]);
}
for (const [origin, list] of failing) process.stdout.write(`✗ ${origin}\n${list.map((l) => `    ${l}`).join('\n')}\n`);
process.stdout.write(`examples: ${files.length - failing.size} passed, ${failing.size} failed\n`);
process.exit(failing.size === 0 && result.status === 0 ? 0 : 1);
