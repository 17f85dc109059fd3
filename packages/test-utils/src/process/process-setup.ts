/**
 * Vitest setup file (root `vitest.config.ts`, `setupFiles`): when a test file ends, every
 * process it started through the spawn helpers and left running is killed (whole process group
 * for detached ones), so no bot outlives its file and holds ports, Redis leases or CPU.
 */
import { afterAll } from 'vitest';
import { killSpawnedProcesses } from './children.js';

afterAll(async () => {
  await killSpawnedProcesses();
});
