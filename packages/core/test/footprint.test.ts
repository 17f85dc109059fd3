import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

// Issue 14's footprint, as behaviour (the figures are in bench/: `pnpm bench --filter footprint`):
// importing the built library, and running a quiet console bot from it, loads none of the heavy
// dependencies, which load on first use only, nor node:http and node:crypto. Checked in a fresh
// process with bench/tools/module-loads.mjs (the ESM loader's resolve hook and require.cache),
// and it loads a handful of bundled modules, not one per source file.
// scripts/library-alone.mjs leaves this file out: its copy of the library has no build and no bench.

const root = fileURLToPath(new URL('../../../', import.meta.url));
const tool = `${root}bench/tools/module-loads.mjs`;
const dist = `${root}packages/core/dist/index.js`;
const quietBot = `${root}packages/core/test/fixtures/quiet-console-bot.mjs`;
const HEAVY = ['zod', 'prom-client', 'pino', 'jose', 'ioredis', 'better-sqlite3', 'pg', 'undici', 'node-cron'];

interface Loads {
  readonly packages: readonly string[];
  readonly builtins: readonly string[];
  readonly modules: number;
}

async function loadsOf(entry: string): Promise<Loads> {
  const { stdout } = await promisify(execFile)(process.execPath, [tool, '--json', entry], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Loads;
}

describe('footprint of the built library', () => {
  it('is built (pnpm build runs before the tests)', () => {
    expect(existsSync(dist)).toBe(true);
  });

  it("import('@stats/core') loads no dependency, nor node:http or node:crypto", async () => {
    const loads = await loadsOf(dist);
    expect(loads.packages).toEqual([]);
    expect(loads.builtins).not.toContain('node:http');
    expect(loads.builtins).not.toContain('node:crypto');
  });

  it('a quiet console bot answering commands loads none of the heavy dependencies', async () => {
    const loads = await loadsOf(quietBot);
    for (const heavy of HEAVY) expect(loads.packages).not.toContain(heavy);
    expect(loads.builtins).not.toContain('node:http');
    expect(loads.builtins).not.toContain('node:crypto');
    // The fixture throws (and the tool fails) when the bot did not answer both commands.
    // The build is bundled (scripts/bundle.mjs): each ES module costs Node 20 about 0.4 ms and
    // 70 KiB, and the sources are 112 modules on this path; the bundle loads about ten.
    expect(loads.modules).toBeGreaterThanOrEqual(3);
    expect(loads.modules).toBeLessThanOrEqual(16);
  });
});
