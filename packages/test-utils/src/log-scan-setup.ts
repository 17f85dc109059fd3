/**
 * Vitest setup file (root `vitest.config.ts`, `setupFiles`): after every test, the log output
 * recorded during it (test loggers writing to `logSink()`, bot processes read by the spawn
 * helpers) is scanned for the secrets registered in this test file; a hit fails the test.
 * Output of `beforeAll`/`afterAll` hooks is scanned when the file ends.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { leakError, resetLogScan, takeLogLeaks } from './log-scan.js';

beforeAll(() => {
  resetLogScan();
});

afterEach(() => {
  const leaks = takeLogLeaks();
  if (leaks.length > 0) throw leakError(leaks);
});

afterAll(() => {
  const leaks = takeLogLeaks();
  resetLogScan();
  if (leaks.length > 0) throw leakError(leaks);
});
