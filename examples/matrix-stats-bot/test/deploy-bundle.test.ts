import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createBotRoom,
  groupGoneWithin,
  spawnCommand,
  startMatrixHomeserver,
  untilRunning,
  type MatrixHomeserver,
  type RunningBot,
} from '@stats/test-utils';

// What the container image runs, exercised without Docker: deploy/bundle.mjs builds the bundle
// (tsc -b + pnpm deploy --prod), it is copied into an empty folder and started there with plain
// `node dist/main.js` as an unprivileged user, exactly like the image's CMD and USER.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** uid/gid of `nobody` when the test runs as root (as here and in CI); else the current user. */
function unprivileged(): { uid: number; gid: number } {
  if (process.getuid?.() !== 0) return { uid: process.getuid?.() ?? 1, gid: process.getgid?.() ?? 1 };
  const uid = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'nobody'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

/** Every path under `dir` with its size and modification time: a fingerprint of what was written. */
function snapshot(dir: string): string[] {
  const entries: string[] = [];
  const walk = (at: string): void => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      const stat = statSync(path, { throwIfNoEntry: false });
      entries.push(`${relative(dir, path)} ${stat?.size ?? '-'} ${stat?.mtimeMs ?? '-'}`);
      if (entry.isDirectory() && !entry.isSymbolicLink()) walk(path);
    }
  };
  walk(dir);
  return entries.sort();
}

let work: string;
let app: string;
let dataDir: string;
let hs: MatrixHomeserver;
let bot: RunningBot | undefined;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'stats-bundle-'));
  const built = join(work, 'built');
  const result = spawnSync(process.execPath, ['deploy/bundle.mjs', 'matrix-stats-bot', built], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`deploy/bundle.mjs failed:\n${result.stdout}\n${result.stderr}`);
  // Copied as the image's COPY --from=build would: nothing may point back into the repository.
  app = join(work, 'app');
  execFileSync('cp', ['-a', built, app]);
  rmSync(built, { recursive: true, force: true });
  chmodSync(work, 0o755);
  execFileSync('chmod', ['-R', 'a+rX,go-w', app]);
  dataDir = join(work, 'data');
  mkdirSync(dataDir);
  const { uid, gid } = unprivileged();
  chownSync(dataDir, uid, gid);
}, 600_000);

afterAll(async () => {
  await bot?.terminate('SIGKILL');
  await hs?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('the deployed bundle (what the image runs)', { timeout: 120_000 }, () => {
  it('is what deploy/Dockerfile builds and runs: same script, command, user, volume, healthcheck and stop signal', () => {
    const dockerfile = readFileSync(join(ROOT, 'deploy', 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^RUN node deploy\/bundle\.mjs "\$\{EXAMPLE\}" \/app$/m);
    expect(dockerfile).toMatch(/^CMD \["\/bin\/sh", "-c", "exec node dist\/main\.js 2>&1"\]$/m);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^VOLUME \["\/data"\]$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*CMD \["node", "\/app\/healthcheck\.mjs"\]$/m);
    expect(dockerfile).toMatch(/^STOPSIGNAL SIGTERM$/m);
    expect(dockerfile).toMatch(/^FROM node:\$\{NODE_VERSION\}-slim AS runtime$/m);
  });

  it('holds built JavaScript and production dependencies only', () => {
    expect(readdirSync(app).sort()).toEqual([
      '.env.example',
      'README.md',
      'dist',
      'healthcheck.mjs',
      'node_modules',
      'package.json',
    ]);
    const modules = readdirSync(join(app, 'node_modules'));
    expect(modules).not.toContain('tsx');
    expect(modules).not.toContain('vitest');
    expect(readdirSync(join(app, 'node_modules', '@stats')).sort()).toEqual(['adapter-matrix', 'core']);
    expect(readdirSync(join(app, 'node_modules', '@stats', 'core'))).not.toContain('src');
  });

  it('starts with plain node as a non-root user, serves /health/ready, answers, writes only to DATA_DIR and is gone within 10 s of SIGTERM', async () => {
    hs = await startMatrixHomeserver();
    const alice = hs.human('alice', 'Alice');
    const room = createBotRoom(hs, { owner: alice, name: 'ops' }).roomId;
    const before = snapshot(app);
    const { uid, gid } = unprivileged();
    // The image's CMD: node as the process itself (exec), its JSON log lines moved to stdout.
    const shell = spawnCommand('/bin/sh', ['-c', `exec ${process.execPath} dist/main.js 2>&1`], {
      detached: true,
      cwd: app,
      uid,
      gid,
      // HOME and TMPDIR point where the user may not write: any write outside DATA_DIR fails loudly.
      env: {
        PATH: '/usr/local/bin:/usr/bin:/bin',
        HOME: '/nonexistent',
        TMPDIR: app,
        NODE_ENV: 'production',
        HOST: '127.0.0.1',
        PORT: '0',
        DATA_DIR: dataDir,
        MATRIX_HOMESERVER_URL: hs.url,
        MATRIX_ACCESS_TOKEN: hs.bot.token,
      },
    });
    bot = await untilRunning(shell, { runningMessage: 'matrix-stats-bot running', timeoutMs: 90_000 });
    const url = bot.url;
    const status = spawnSync('ps', ['-o', 'uid=', '-p', String(bot.pid)], { encoding: 'utf8' }).stdout.trim();
    expect(Number(status)).toBe(uid);
    expect(Number(status)).not.toBe(0);

    // Ready once the first sync is through: by the time it has answered a command.
    const reply = await hs.waitForReply(alice.say(room, '!help'));
    expect(String((reply['content'] as { body?: unknown }).body)).toContain('!login');
    const ready = await fetch(`${url}/health/ready`);
    expect(ready.status).toBe(200);
    // The image's HEALTHCHECK, run the way Docker runs it.
    const health = spawnSync(process.execPath, [join(app, 'healthcheck.mjs')], {
      env: { PORT: new URL(url).port },
      encoding: 'utf8',
    });
    expect(health.status).toBe(0);

    process.kill(bot.pid, 'SIGTERM');
    expect(await groupGoneWithin(bot.pid, 10_000)).toBe(true);
    const unhealthy = spawnSync(process.execPath, [join(app, 'healthcheck.mjs')], {
      env: { PORT: new URL(url).port },
      encoding: 'utf8',
    });
    expect(unhealthy.status).toBe(1);

    // JSON logs on stdout, one object a line; the access token in none of them.
    expect(bot.lines.length).toBeGreaterThan(0);
    expect(bot.stderrText()).toBe('');
    for (const line of bot.lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    expect(bot.lines.join('\n')).not.toContain(hs.bot.token);
    // Nothing in the bundle changed; the state is in DATA_DIR.
    expect(snapshot(app)).toEqual(before);
    expect(readdirSync(dataDir).length).toBeGreaterThan(0);
  });
});
