import { describe, expect, it } from 'vitest';
import { killSpawnedProcesses, liveProcessCount } from './children.js';
import { spawnCommand, untilRunning } from './spawn-bot.js';

/** A Node one-liner as the spawned program. */
const node = (script: string): ReturnType<typeof spawnCommand> => spawnCommand(process.execPath, ['-e', script]);

describe('spawnCommand', () => {
  it('reads JSON log lines from stdout and stderr, matches by msg, RegExp or predicate, and reports the exit', async () => {
    const bot = node(
      `console.log(JSON.stringify({ msg: 'one', n: 1 })); console.error('plain text'); console.log(JSON.stringify({ msg: 'two', url: 'http://127.0.0.1:1' }));`,
    );
    expect(await bot.waitForLog('two')).toMatchObject({ msg: 'two' });
    expect(await bot.waitForLog(/plain/)).toEqual({ line: 'plain text' });
    expect(await bot.waitForLog((entry) => entry['n'] === 1)).toMatchObject({ msg: 'one' });
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(bot.stderrText()).toBe('plain text\n');
    expect(bot.logs).toHaveLength(3);
  });

  it('rejects with the output when the process exits before the line, and names a program that is not installed', async () => {
    await expect(node(`console.log('started'); process.exit(3)`).waitForLog('running')).rejects.toThrow(
      /exited \(3\) before it logged "msg":"running"; its output:\nstarted/,
    );
    await expect(spawnCommand('no-such-program-stats-test', []).waitForLog('running')).rejects.toThrow(
      /could not start no-such-program-stats-test .*is it installed/,
    );
  });

  it('startBot-style waits give the running entry and its url, and a stuck start is killed with its output', async () => {
    const running = await untilRunning(
      node(`console.log(JSON.stringify({ msg: 'up', url: 'http://127.0.0.1:9' })); setInterval(() => {}, 1000);`),
      { runningMessage: 'up' },
    );
    expect(running.url).toBe('http://127.0.0.1:9');
    expect((await running.terminate('SIGTERM')).signal).toBe('SIGTERM');
    const stuck = node(`console.log('loading'); setInterval(() => {}, 1000);`);
    await expect(untilRunning(stuck, { runningMessage: 'up', timeoutMs: 3_000 })).rejects.toThrow(
      /logged no "msg":"up" within 3000 ms; its output:\nloading/,
    );
    expect((await stuck.exited).signal).toBe('SIGKILL');
  });

  it('kills what a test left running (the process setup file does this after each file)', async () => {
    const before = liveProcessCount();
    const left = node('setInterval(() => {}, 1000); console.log("idle")');
    await left.waitForLog(/idle/);
    expect(liveProcessCount()).toBe(before + 1);
    expect(await killSpawnedProcesses()).toBeGreaterThanOrEqual(1);
    expect((await left.exited).signal).toBe('SIGKILL');
    expect(liveProcessCount()).toBe(0);
  });
});
