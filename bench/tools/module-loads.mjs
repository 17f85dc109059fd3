/**
 * Lists the packages a module really loads when imported in this process: every module URL the
 * ESM loader resolves (through a `module.register` resolve hook) and every CommonJS file in
 * `require.cache`, grouped by package. Unlike `eager-imports.ts` (a static reading of the
 * sources), it sees what Node loads, from dist or from sources (with `--import tsx`). The entry
 * may be a script that runs a bot and ends (packages/core/test/fixtures/quiet-console-bot.mjs).
 *
 *   node bench/tools/module-loads.mjs packages/core/dist/index.js
 *   node --import tsx --conditions=@stats/source bench/tools/module-loads.mjs packages/core/src/index.ts
 *   node bench/tools/module-loads.mjs --json packages/core/dist/index.js   # one JSON line
 *   node bench/tools/module-loads.mjs --why node:http packages/core/dist/index.js
 *
 * `--why <text>` prints, for the first loaded module whose URL contains the text (a package
 * name, `node:http`, a file name), the chain of imports from the entry that loaded it. A chain
 * that reaches a CommonJS file loaded with `require` ends at the last ES module the hook saw.
 *
 * A test spawns it with `--json` (packages/core/test/footprint.test.ts).
 */
import { createRequire, register } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
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
  port.postMessage([result.url, context.parentURL ?? null]);
  return result;
}`;

/** The package of a `node_modules` path or URL (`zod`, `@scope/name`), or undefined for other files. */
function packageOf(file) {
  const parts = file.replaceAll('\\', '/').split('/node_modules/');
  if (parts.length < 2) return undefined;
  const rest = (parts.at(-1) ?? '').split('/');
  return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
}

const { values, positionals } = parseArgs({
  options: { json: { type: 'boolean', default: false }, why: { type: 'string' } },
  allowPositionals: true,
});
const entry = positionals[0];
if (entry === undefined) throw new Error('usage: module-loads.mjs [--json] [--why <text>] <entry>');

const { port1, port2 } = new MessageChannel();
const urls = [];
/** The first module that imported each URL. */
const parents = new Map();
const done = new Promise((resolve) => {
  port1.on('message', (message) => {
    if (message === null) return resolve();
    const [url, parent] = message;
    urls.push(url);
    if (!parents.has(url) && parent !== null) parents.set(url, parent);
  });
});
register(`data:text/javascript,${encodeURIComponent(HOOKS)}`, import.meta.url, {
  data: { port: port2 },
  transferList: [port2],
});

const entryUrl = pathToFileURL(path.resolve(entry)).href;
await import(entryUrl);
await import(DONE);
await done;
port1.close();

const require = createRequire(import.meta.url);
const cjs = Object.keys(require.cache).map((f) => pathToFileURL(f).href);
// A CommonJS file's first requirer (`module.parent`), where the ESM hook did not see it.
for (const [file, module] of Object.entries(require.cache)) {
  const url = pathToFileURL(file).href;
  const parent = module?.parent?.filename;
  if (!parents.has(url) && typeof parent === 'string') parents.set(url, pathToFileURL(parent).href);
}
const files = [...urls.filter((u) => u.startsWith('file:')), ...cjs];
const packages = [...new Set(files.map(packageOf).filter((p) => p !== undefined))].sort();
const builtins = [...new Set(urls.filter((u) => u.startsWith('node:')))].sort();

/** The import chain from the entry to `url`, entry first. */
function chainTo(url) {
  const chain = [url];
  const seen = new Set(chain);
  let at = url;
  while (parents.has(at)) {
    at = parents.get(at);
    if (seen.has(at)) break;
    seen.add(at);
    chain.unshift(at);
  }
  return chain;
}

/** A URL as a short path relative to the working directory (node: URLs as they are). */
function short(url) {
  return url.startsWith('file:') ? path.relative(process.cwd(), new URL(url).pathname) : url;
}

if (values.why !== undefined) {
  const target = [...urls, ...cjs].find((u) => u.includes(values.why));
  if (target === undefined) console.log(`nothing loaded by ${entry} matches "${values.why}"`);
  else {
    const chain = chainTo(target);
    const cjsRoot = !parents.has(target) && cjs.includes(target);
    console.log(`${short(target)} is loaded through:`);
    for (const [i, url] of chain.entries()) console.log(`${'  '.repeat(i)}${i === 0 ? '' : '└ '}${short(url)}`);
    if (cjsRoot) console.log('  (a CommonJS file: loaded with require(), whose caller the ESM hook does not see)');
  }
} else if (values.json)
  process.stdout.write(`${JSON.stringify({ entry, packages, builtins, modules: new Set(files).size })}\n`);
else {
  console.log(`${new Set(files).size} modules loaded by ${entry}; packages:`);
  for (const p of packages) console.log(`  ${p}`);
  console.log(`builtins: ${builtins.join(' ')}`);
}
