#!/usr/bin/env node
// `prepack` of each published package: builds it from scratch (dist and the build info removed
// first), so a tarball never carries the output of a source file that was deleted or renamed —
// an incremental `tsc -b` leaves such files in dist.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';

rmSync('dist', { recursive: true, force: true });
rmSync('tsconfig.tsbuildinfo', { force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-b'], { stdio: 'inherit' });
process.exit(result.status ?? 1);
