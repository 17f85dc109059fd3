#!/usr/bin/env node
// Produces the deployed bundle of one example: what the container image holds and runs.
//
//   node deploy/bundle.mjs <example> <out-dir>      e.g. node deploy/bundle.mjs matrix-stats-bot /app
//
// 1. `pnpm build` (the packages: declarations by tsc, JavaScript bundled per entry point by
//    scripts/bundle.mjs), then `tsc -b examples/<example>`: the example to plain JavaScript
//    (dist/); no tsx at run time.
// 2. `pnpm deploy --prod`: the example with its production dependencies only (the workspace
//    packages as their published `files`, i.e. dist/), into <out-dir>, from the lockfile.
// 3. deploy/healthcheck.mjs beside it (and pnpm's lockfile copy removed), for the image's HEALTHCHECK.
// The result starts with `node dist/main.js` from <out-dir>, and needs nothing else from the
// repository. The Dockerfile runs this script; so does the test that starts the bundle.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const [example, outArg] = process.argv.slice(2);
const examples = readdirSync(join(ROOT, 'examples'));
if (example === undefined || outArg === undefined || !examples.includes(example)) {
  process.stderr.write(`usage: node deploy/bundle.mjs <${examples.join('|')}> <out-dir>\n`);
  process.exit(2);
}
const out = resolve(outArg);
if (existsSync(out) && readdirSync(out).length > 0) {
  process.stderr.write(`bundle: ${out} is not empty\n`);
  process.exit(2);
}

function run(command, args) {
  process.stdout.write(`[bundle] ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) {
    process.stderr.write(`bundle: ${command} failed (${result.status ?? result.signal})\n`);
    process.exit(1);
  }
}

const name = JSON.parse(readFileSync(join(ROOT, 'examples', example, 'package.json'), 'utf8')).name;
run('pnpm', ['build']);
run('pnpm', ['exec', 'tsc', '-b', `examples/${example}`]);
// inject-workspace-packages: pnpm 10 deploys from the shared lockfile only with it; the
// workspace packages are then copied (their `files`: dist/), not linked.
run('pnpm', ['--filter', name, '--config.inject-workspace-packages=true', 'deploy', '--prod', '--prefer-offline', out]);
// The lockfile pnpm deploy leaves is not needed to run.
rmSync(join(out, 'pnpm-lock.yaml'), { force: true });
copyFileSync(join(ROOT, 'deploy', 'healthcheck.mjs'), join(out, 'healthcheck.mjs'));
// The published packages ship their TypeScript sources for the declaration maps; nothing at run
// time reads them, so the image leaves them out.
const ours = join(out, 'node_modules', '@stats');
if (existsSync(ours))
  for (const pkg of readdirSync(ours)) rmSync(join(ours, pkg, 'src'), { recursive: true, force: true });
process.stdout.write(`[bundle] ${example} → ${out}: start with \`node dist/main.js\`\n`);
