/**
 * Lists the packages a module really loads when imported in this process: every module URL the
 * ESM loader resolves (through a `module.register` resolve hook) and every CommonJS file in
 * `require.cache`, grouped by package. Unlike `eager-imports.ts` (a static reading of the
 * sources), it sees what Node loads, from dist or from sources (with `--import tsx`).
 *
 *   node bench/tools/module-loads.mjs packages/core/dist/index.js
 *   node --import tsx --conditions=@stats/source bench/tools/module-loads.mjs packages/core/src/index.ts
 *   node bench/tools/module-loads.mjs --json packages/core/dist/index.js   # one JSON line
 *
 * A test spawns it with `--json` (packages/core/test/footprint.test.ts).
 */
import { createRequire, register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel } from 'node:worker_threads';

const DONE = 'module-loads:done';
const HOOKS = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  if (specifier === ${JSON.stringify(DONE)}) {
    port.postMessage(null);
    return { url: 'data:text/javascript,', shortCircuit: true };
  }
  const result = await next(specifier, context);
  port.postMessage(result.url);
  return result;
}`;

/** The package of a `node_modules` path or URL (`zod`, `@scope/name`), or undefined for other files. */
function packageOf(file) {
  const parts = file.replaceAll('\\', '/').split('/node_modules/');
  if (parts.length < 2) return undefined;
  const rest = (parts.at(-1) ?? '').split('/');
  return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
}

const args = process.argv.slice(2);
const json = args[0] === '--json';
const entry = json ? args[1] : args[0];
if (entry === undefined) throw new Error('usage: module-loads.mjs [--json] <entry>');

const { port1, port2 } = new MessageChannel();
const urls = [];
const done = new Promise((resolve) => {
  port1.on('message', (url) => (url === null ? resolve() : urls.push(url)));
});
register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, import.meta.url, {
  data: { port: port2 },
  transferList: [port2],
});

await import(pathToFileURL(path.resolve(entry)).href);
await import(DONE);
await done;
port1.close();

const files = [
  ...urls.filter((u) => u.startsWith('file:')),
  ...Object.keys(createRequire(import.meta.url).cache).map((f) => pathToFileURL(f).href),
];
const packages = [...new Set(files.map(packageOf).filter((p) => p !== undefined))].sort();
if (json) process.stdout.write(`${JSON.stringify({ entry, packages, modules: new Set(files).size })}\n`);
else {
  console.log(`${new Set(files).size} modules loaded by ${entry}; packages:`);
  for (const p of packages) console.log(`  ${p}`);
}
