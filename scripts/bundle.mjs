#!/usr/bin/env node
// The JavaScript of each published package: one ES module per entry point of its `exports`, with
// the code the entry points share split into chunks (esbuild, `splitting`). `tsc -b` writes only
// the declarations (emitDeclarationOnly), so dist holds d.ts files per source file and a few
// bundled .js files. Why: on Node 20 every ES module costs about 0.4 ms and 70 KiB of RSS, and a
// console bot loaded 112 of ours; bundled it loads about ten (bench/README.md, footprint).
// Dependencies and peers stay external (`packages: 'external'`), so a user's install decides
// their versions, and the dynamic imports the library uses to load heavy parts on first use
// become chunks of their own, loaded as late as before.
//
//   node scripts/bundle.mjs                 # every published package of the workspace
//   node scripts/bundle.mjs packages/core   # one package (its prepack runs this)
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The published packages: every package under packages/ that is not private. */
export function publishedPackages() {
  const dir = join(ROOT, 'packages');
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((pkg) => {
      try {
        return JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).private !== true;
      } catch {
        return false;
      }
    });
}

/** `{ 'app/index': 'src/app/index.ts', … }` from the `@stats/source` and `default` conditions of `exports`. */
function entryPoints(pkg) {
  const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  const entries = {};
  for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
    if (typeof target !== 'object' || target === null) continue;
    const source = target['@stats/source'];
    const output = target.default;
    if (typeof source !== 'string' || typeof output !== 'string') continue;
    if (!output.startsWith('./dist/') || !output.endsWith('.js'))
      throw new Error(`${manifest.name}: exports["${subpath}"].default must be ./dist/….js, not ${output}`);
    entries[output.slice('./dist/'.length, -'.js'.length)] = join(pkg, source);
  }
  if (Object.keys(entries).length === 0) throw new Error(`${manifest.name}: no entry point in exports`);
  return { name: manifest.name, node: manifest.engines?.node, entries };
}

/** Removes the JavaScript of earlier builds (bundles, chunks, maps, or tsc's per-file output) and keeps the declarations. */
function removeJavaScript(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) removeJavaScript(path);
    else if (/\.js(\.map)?$/.test(name)) rmSync(path);
  }
}

/** The lowest Node version `engines.node` allows (`>=20.18.1` → `node20.18.1`), esbuild's target. */
function targetOf(range) {
  const version = /(\d+(?:\.\d+){0,2})/.exec(range ?? '')?.[1];
  return version === undefined ? 'node20' : `node${version}`;
}

/** Bundles one package's entry points into its dist/; resolves with the files written. */
export async function bundlePackage(pkg) {
  const { name, node, entries } = entryPoints(pkg);
  const outdir = join(pkg, 'dist');
  removeJavaScript(outdir);
  const result = await build({
    entryPoints: entries,
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: targetOf(node),
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
    sourcemap: 'linked',
    // The sources ship in the tarball beside dist, so the maps name them instead of copying them.
    sourcesContent: false,
    legalComments: 'none',
    metafile: true,
    logLevel: 'warning',
  });
  const files = Object.keys(result.metafile.outputs).filter((file) => file.endsWith('.js'));
  return { name, files: files.map((file) => relative(pkg, resolve(file))) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const packages = args.length > 0 ? args.map((arg) => resolve(arg)) : publishedPackages();
  for (const pkg of packages) {
    const from = performance.now();
    const { name, files } = await bundlePackage(pkg);
    const chunks = files.filter((file) => file.includes('/chunks/')).length;
    process.stdout.write(
      `bundled ${name}: ${files.length - chunks} entry points, ${chunks} shared chunks (${Math.round(performance.now() - from)} ms)\n`,
    );
  }
}
