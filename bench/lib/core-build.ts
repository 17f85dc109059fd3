import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const core = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'packages', 'core');

/** `packages/core/dist`: the build users install (`pnpm build` writes it; `pnpm bench` runs that first). */
export const CORE_DIST = path.join(core, 'dist');

/** The newest modification time of the files under a folder whose names match (ms). */
function newestMtime(dir: string, match: RegExp): number {
  let newest = 0;
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (match.test(entry.name)) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  walk(dir);
  return newest;
}

/** Whether `packages/core/dist` exists and is at least as new as every source file of the package. */
export function coreDistState(): 'fresh' | 'stale' | 'missing' {
  if (!existsSync(path.join(CORE_DIST, 'index.js'))) return 'missing';
  const built = newestMtime(CORE_DIST, /\.js$/);
  return built >= newestMtime(path.join(core, 'src'), /^(?!.*\.test\.ts$).*\.ts$/) - 1 ? 'fresh' : 'stale';
}

/**
 * `packages/core/dist` when it is built and fresh.
 * @throws Error naming `pnpm build` when it is missing or older than the sources.
 */
export function freshCoreDist(): string {
  const state = coreDistState();
  if (state !== 'fresh')
    throw new Error(
      `packages/core/dist is ${state === 'missing' ? 'missing' : 'older than packages/core/src'}: run \`pnpm build\` (\`pnpm bench\` does)`,
    );
  return CORE_DIST;
}

/**
 * The `dist/` of the package folder named by `BENCH_BASELINE` (a copy of an earlier build), to
 * measure before and after in one run, interleaved; undefined without it.
 * @throws Error when the variable names a folder without `dist/index.js`.
 */
export function baselineDist(): string | undefined {
  const dir = process.env['BENCH_BASELINE'];
  if (dir === undefined || dir === '') return undefined;
  const dist = path.resolve(dir, 'dist');
  if (!existsSync(path.join(dist, 'index.js'))) throw new Error(`BENCH_BASELINE: no ${dist}/index.js`);
  return dist;
}
