import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** The facts about the machine and the code that RESULTS.md states with the figures. */
export interface MachineFacts {
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly commit: string;
  /** The 1-minute load average when the run started: above the core count, other work shared the CPU. */
  readonly loadAverage: number;
}

/** Reads the CPU model, core count, memory, Node version, OS and the git commit. */
export function machineFacts(cwd: string): MachineFacts {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    commit: gitCommit(cwd),
    loadAverage: Math.round((os.loadavg()[0] ?? 0) * 10) / 10,
  };
}

function gitCommit(cwd: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty =
      execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown';
  }
}
