/**
 * Lists the packages a module loads eagerly: follows static `import`/`export … from` (not
 * `import()`, not `import type`) from an entry file through relative imports, and prints each
 * bare specifier with the first file that imports it. For finding what `@stats/core` loads at
 * start (footprint) and what could be loaded lazily.
 *
 *   npx tsx bench/tools/eager-imports.ts packages/core/src/index.ts
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const entry = process.argv[2];
if (entry === undefined) throw new Error('usage: eager-imports.ts <entry.ts>');
const STATIC = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
const seen = new Set<string>();
const external = new Map<string, string>();
const queue = [path.resolve(entry)];
while (queue.length > 0) {
  const file = queue.pop() as string;
  if (seen.has(file)) continue;
  seen.add(file);
  const source = readFileSync(file, 'utf8');
  for (const match of source.matchAll(STATIC)) {
    const spec = match[1] as string;
    if (spec.startsWith('.')) {
      const resolved = path.resolve(path.dirname(file), spec).replace(/\.js$/, '.ts');
      if (existsSync(resolved)) queue.push(resolved);
    } else {
      const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string);
      if (!external.has(name)) external.set(name, path.relative(process.cwd(), file));
    }
  }
}
console.log(`${seen.size} source files loaded eagerly from ${entry}`);
for (const [name, from] of [...external].sort()) console.log(`${name.padEnd(28)} first imported by ${from}`);
