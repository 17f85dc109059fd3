#!/usr/bin/env node
// `prepack` of each published package: builds it from scratch (dist and the build info removed
// first), so a tarball never carries the output of a source file that was deleted or renamed —
// an incremental `tsc -b` leaves such files in dist. `tsc -b` writes the declarations, then
// scripts/bundle.mjs the JavaScript (one module per entry point and the chunks they share).
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { bundlePackage } from './bundle.mjs';

rmSync('dist', { recursive: true, force: true });
rmSync('tsconfig.tsbuildinfo', { force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-b'], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
await bundlePackage(process.cwd());
