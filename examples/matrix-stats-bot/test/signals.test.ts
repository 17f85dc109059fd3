import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createBotRoom,
  groupGoneWithin,
  spawnCommand,
  startMatrixHomeserver,
  untilRunning,
  waitForBotJoin,
  type MatrixHomeserver,
  type RunningBot,
} from '@stats/test-utils';

// Issue 13 item 15: SIGTERM to the `pnpm start:matrix` process left tsx and the bot running,
// because pnpm only signals its shell, the shell does not pass it on, and tsx's CLI is one more
// process in between. The script now `exec`s `node --import tsx`: pnpm → node, one hop.

let hs: MatrixHomeserver;
let dataDir: string;
let started: RunningBot | undefined;

beforeEach(async () => {
  hs = await startMatrixHomeserver();
  dataDir = mkdtempSync(join(tmpdir(), 'matrix-stats-signals-'));
});

afterEach(async () => {
  await started?.terminate('SIGKILL');
  started = undefined;
  await hs.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** `pnpm start:matrix` as the leader of its own process group, the way a terminal starts it. */
function startThroughPnpm(): Promise<RunningBot> {
  const pnpm = spawnCommand('pnpm', ['start:matrix'], {
    detached: true,
    env: { MATRIX_HOMESERVER_URL: hs.url, MATRIX_ACCESS_TOKEN: hs.bot.token, DATA_DIR: dataDir },
  });
  return untilRunning(pnpm, { runningMessage: 'matrix-stats-bot running', timeoutMs: 90_000 });
}

describe('stopping `pnpm start:matrix`', { timeout: 120_000 }, () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`${signal} to the pnpm process stops the bot gracefully and the whole process group is gone within 10 s`, async () => {
      started = await startThroughPnpm();
      const url = started.url;
      expect((await fetch(`${url}/health`)).status).toBe(200);
      process.kill(started.pid, signal);
      expect(await groupGoneWithin(started.pid, 10_000)).toBe(true);
      await expect(fetch(`${url}/health`)).rejects.toThrow();
      // The bot itself got the signal and stopped cleanly, rather than being orphaned or killed.
      expect(started.lines.some((line) => line.includes('"msg":"stopped"'))).toBe(true);
    });
  }

  it('SIGTERM to the pnpm process with a dozen replies waiting on 429s: the group is gone within 10 s', async () => {
    const alice = hs.human('alice', 'Alice');
    const room = createBotRoom(hs, { owner: alice, name: 'ops' }).roomId;
    started = await startThroughPnpm();
    await waitForBotJoin(hs, room);
    // Every reply is refused with a long retry-after: they wait inside the bot when SIGTERM comes.
    hs.fail({ path: '/send/', method: 'PUT', status: 429, retryAfterMs: 30_000, times: 1_000 });
    for (let i = 0; i < 12; i++) alice.say(room, '!help');
    // The replies are waiting once the stand-in has refused a send with 429.
    const deadline = Date.now() + 20_000;
    while (!hs.requests.some((r) => r.method === 'PUT' && r.path.includes('/send/') && r.status === 429)) {
      if (Date.now() > deadline) throw new Error('the bot tried no reply within 20 s (every send answers 429)');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    process.kill(started.pid, 'SIGTERM');
    expect(await groupGoneWithin(started.pid, 10_000)).toBe(true);
  });
});
