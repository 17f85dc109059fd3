/**
 * Summarizes a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with the most self time
 * and the most inclusive time, with file and line, to find what in the core costs time.
 *
 *   npx tsx bench/tools/cpu-profile-top.ts <file.cpuprofile> [--top 25] [--match packages/core]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const { values, positionals } = parseArgs({
  options: { top: { type: 'string', default: '25' }, match: { type: 'string' } },
  allowPositionals: true,
});
const file = positionals[0];
if (file === undefined) throw new Error('usage: cpu-profile-top.ts <file.cpuprofile> [--top N] [--match text]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const self = new Map<number, number>();
profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...self.values()].reduce((a, b) => a + b, 0);

const key = (n: ProfileNode): string => {
  const url = n.callFrame.url
    .replace(/^file:\/\//, '')
    .replace(/.*\/node_modules\/\.pnpm\/[^/]+\/node_modules\//, '')
    .replace(/.*\/work\/main\//, '');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
};
const selfByKey = new Map<string, number>();
const inclusiveByKey = new Map<string, number>();
for (const [id, t] of self) {
  const node = byId.get(id);
  if (node === undefined) continue;
  selfByKey.set(key(node), (selfByKey.get(key(node)) ?? 0) + t);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const n = byId.get(cur);
    if (n === undefined) break;
    const k = key(n);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusiveByKey.set(k, (inclusiveByKey.get(k) ?? 0) + t);
  }
}
const top = Number(values.top);
const show = (title: string, map: Map<string, number>): void => {
  console.log(`\n${title} (of ${(total / 1000).toFixed(0)} ms sampled)`);
  [...map.entries()]
    .filter(([k]) => values.match === undefined || k.includes(values.match))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .forEach(([k, t]) => console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${k}`));
};
show('self time', selfByKey);
show('inclusive time', inclusiveByKey);
