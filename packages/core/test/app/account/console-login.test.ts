import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type RunningAuthServer } from '@stats/test-utils';
import { createConsoleAdapter } from '../../../src/index.js';
import { createStandardBot, loadConfig } from '@stats/core/app';

let auth: RunningAuthServer;
let dataDir: string;
beforeAll(async () => {
  auth = await startAuthServer();
  auth.addUser({ email: 'lena@example.org', password: 'pw-lena-2026', name: 'Lena' });
  dataDir = mkdtempSync(join(tmpdir(), 'stats-console-'));
});
afterAll(async () => {
  await auth.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs the standard bot on the console adapter (SQLite sessions in DATA_DIR) for some typed lines. */
async function session(lines: readonly string[]): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (chunk: Buffer) => (printed += chunk.toString('utf8')));
  let ended: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (ended = resolve));
  const terminal = createConsoleAdapter({ input, output, user: 'lena', onEnd: () => ended() });
  const bot = await createStandardBot(loadConfig({ AUTH_URL: auth.url, DATA_DIR: dataDir }), {
    adapters: [terminal],
    http: false,
    handleSignals: false,
  });
  await bot.start();
  for (const line of lines) input.write(`${line}\n`);
  input.end();
  await done;
  await bot.stop();
  return printed;
}

describe('pnpm start with AUTH_URL: the console is a direct room', () => {
  it('logs in from the terminal and keeps the session in the SQLite default across a restart', async () => {
    const first = await session(['!login lena@example.org pw-lena-2026', '!status']);
    expect(first).toContain('Logged in as lena@example.org');
    expect(first).toMatch(/Credits\W+150/);
    const second = await session(['!status']);
    expect(second).toContain('lena@example.org');
    expect(second).not.toMatch(/not logged in/i);
  });
});
