#!/usr/bin/env node
// The packages as a user installs them. Packs the four public packages (after `pnpm build`), checks
// each tarball (contents, publint, @arethetypeswrong/cli), installs the tarballs with plain npm
// into an empty temporary project (no workspace, no overrides, no install scripts, so the Matrix
// SDK's native crypto binary is absent as on most machines), type-checks a small bot with strict
// settings and skipLibCheck off, runs it, and constructs each adapter.
//
// Each check is one test; the last line is "consumer: N passed, N failed" for scripts/test.mjs.
// `node scripts/consumer-test.mjs --keep` leaves the temporary project for a look.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { registryNode } from './node-lines.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const PACKAGES = ['core', 'adapter-matrix', 'adapter-telegram', 'adapter-discord'];
const keep = process.argv.includes('--keep');
const work = mkdtempSync(join(tmpdir(), 'stats-consumer-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
mkdirSync(tarballs);
mkdirSync(app);
let passed = 0;
let failed = 0;

function log(line) {
  process.stdout.write(`[consumer] ${line}\n`);
}

/** Runs a command; returns its output, or undefined (and prints it) when it fails. */
function run(command, args, cwd, env = {}) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0) {
    process.stdout.write(output.split('\n').slice(-40).join('\n') + '\n');
    return undefined;
  }
  return output;
}

function check(name, ok, detail = '') {
  if (ok) passed++;
  else failed++;
  log(`${ok ? '✓' : '✗'} ${name}${detail ? `: ${detail}` : ''}`);
  return ok;
}

// ── pack and check each tarball ──────────────────────────────────────────────────────────────────
const bin = (name) => join(ROOT, 'node_modules', '.bin', name);
const packed = {};
for (const pkg of PACKAGES) {
  const dir = join(ROOT, 'packages', pkg);
  const out = run('pnpm', ['pack', '--pack-destination', tarballs], dir);
  const file = readdirSync(tarballs).find((f) => f.includes(pkg === 'core' ? 'stats-core-' : `stats-${pkg}-`));
  if (!check(`pnpm pack ${pkg}`, out !== undefined && file !== undefined)) continue;
  packed[pkg] = join(tarballs, file);
  const list = run('tar', ['tzf', packed[pkg]], work) ?? '';
  const files = list.split('\n').filter(Boolean);
  const unwanted = files.filter((f) => /\.tsbuildinfo$|\.test\.(ts|js|d\.ts)$/.test(f));
  check(`${pkg} tarball holds no build cache or tests`, unwanted.length === 0, unwanted.slice(0, 5).join(', '));
  const must = [
    'package/LICENSE',
    'package/README.md',
    'package/dist/index.js',
    'package/dist/index.d.ts',
    'package/src/index.ts',
  ];
  const missing = must.filter((f) => !files.includes(f));
  // Declaration maps point at ../src: every map's source must be in the tarball.
  const orphanMaps = files
    .filter((f) => f.endsWith('.d.ts.map'))
    .map((f) => f.replace(/^package\/dist\//, 'package/src/').replace(/\.d\.ts\.map$/, '.ts'))
    .filter((src) => !files.includes(src));
  check(
    `${pkg} tarball has LICENSE, README, dist and the sources its maps name`,
    missing.length + orphanMaps.length === 0,
    [...missing, ...orphanMaps.slice(0, 5)].join(', '),
  );
  // The JavaScript is bundled (scripts/bundle.mjs): one module per entry point of `exports` and
  // the chunks they share, not one per source file; its maps name sources the tarball holds.
  const unpacked = join(work, `unpacked-${pkg}`);
  mkdirSync(unpacked);
  run('tar', ['xzf', packed[pkg], '-C', unpacked], work);
  const manifest = JSON.parse(readFileSync(join(unpacked, 'package', 'package.json'), 'utf8'));
  const entryFiles = new Set(
    Object.values(manifest.exports)
      .map((target) => (typeof target === 'object' ? `package/${target.default.slice(2)}` : undefined))
      .filter(Boolean),
  );
  const scripts = files.filter((f) => f.startsWith('package/dist/') && f.endsWith('.js'));
  const strays = scripts.filter((f) => !entryFiles.has(f) && !f.startsWith('package/dist/chunks/'));
  const jsMapSources = files
    .filter((f) => f.endsWith('.js.map'))
    .flatMap((f) => {
      const map = JSON.parse(readFileSync(join(unpacked, f), 'utf8'));
      return map.sources.map((source) => join(dirname(f), source));
    })
    .filter((src) => !files.includes(src));
  check(
    `${pkg} tarball's JavaScript is bundled (${entryFiles.size} entry points, ${scripts.length - entryFiles.size} chunks) and its maps name shipped sources`,
    strays.length + jsMapSources.length === 0 && [...entryFiles].every((f) => files.includes(f)),
    [...strays.slice(0, 5), ...jsMapSources.slice(0, 5)].join(', '),
  );
  check(`publint ${pkg}`, run(bin('publint'), ['run', packed[pkg], '--strict'], ROOT) !== undefined);
  // node16 covers both ESM and CJS consumers' resolution; the packages are ESM only, so a CJS
  // `require` is expected to need an `import()` (cjs-resolves-to-esm is not a fault here).
  check(
    `attw ${pkg}`,
    run(bin('attw'), [packed[pkg], '--profile', 'esm-only', '--format', 'ascii'], ROOT) !== undefined,
  );
}

// ── install into an empty project with plain npm ─────────────────────────────────────────────────
writeFileSync(
  join(app, 'package.json'),
  JSON.stringify(
    {
      name: 'consumer',
      private: true,
      type: 'module',
      dependencies: Object.fromEntries(
        PACKAGES.filter((p) => packed[p]).map((p) => [
          p === 'core' ? '@stats/core' : `@stats/${p}`,
          `file:${packed[p]}`,
        ]),
      ),
      devDependencies: { '@types/node': '^24', typescript: '~5.9.3' },
    },
    null,
    2,
  ),
);
const installed = check(
  'npm install of the tarballs in an empty project',
  run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], app, {
    npm_config_workspaces: 'false',
  }) !== undefined,
);

// ── a strict consumer's bot ──────────────────────────────────────────────────────────────────────
writeFileSync(
  join(app, 'tsconfig.json'),
  JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: false,
      types: ['node'],
      outDir: 'out',
    },
    include: ['bot.ts'],
  }),
);
writeFileSync(
  join(app, 'bot.ts'),
  `import { arg, createBot, createConsoleAdapter, defineCommand, document, type Command } from '@stats/core';
import { createTestBot } from '@stats/core/testing';
import { createMatrixAdapter, fromEnv as matrixFromEnv } from '@stats/adapter-matrix';
import { createTelegramAdapter, fromEnv as telegramFromEnv } from '@stats/adapter-telegram';
import { createDiscordAdapter, fromEnv as discordFromEnv } from '@stats/adapter-discord';

const dice: Command = defineCommand({
  name: 'dice',
  summary: 'Rolls dice, e.g. !dice 2d6',
  args: { count: arg.integer('how many dice', { min: 1, max: 9 }) },
  run: ({ args }) => document().text(\`rolled \${args.count} dice\`),
});

const test = await createTestBot({ commands: [dice] });
const reply = await test.say('!dice 3');
await test.stop();
if (!reply.plain.includes('rolled 3 dice')) throw new Error(\`unexpected answer: \${reply.plain}\`);
console.log('answered:', reply.plain);

// Each adapter from its own slice of the environment (fromEnv), as a deployment's main does.
const env = { MATRIX_HOMESERVER_URL: 'http://127.0.0.1:1', MATRIX_ACCESS_TOKEN: 'token', TELEGRAM_BOT_TOKEN: '123:abc', DISCORD_TOKEN: 'token', DISCORD_APPLICATION_ID: '1' };
const matrixEnv = matrixFromEnv(env);
const telegramEnv = telegramFromEnv(env);
const discordEnv = discordFromEnv(env);
if (matrixEnv === undefined || telegramEnv === undefined || discordEnv === undefined) throw new Error('a fromEnv slice read nothing');
const adapters = [
  createMatrixAdapter({ ...matrixEnv, dataDir: 'data/matrix' }),
  createTelegramAdapter({ ...telegramEnv, dataDir: 'data/telegram' }),
  createDiscordAdapter(discordEnv),
  createConsoleAdapter(),
];
const bot = createBot({ adapters, commands: [dice], http: false });
console.log('adapters:', adapters.map((a) => a.platform).join(' '), typeof bot.start);
`,
);
if (installed) {
  // The case the Matrix adapter must survive: the SDK's crypto package is installed, its binary is not.
  const crypto = spawnSync(process.execPath, ['-e', "require('@matrix-org/matrix-sdk-crypto-nodejs')"], {
    cwd: join(app, 'node_modules', 'matrix-bot-sdk'),
    encoding: 'utf8',
  });
  check("matrix-bot-sdk's native crypto does not load here (no binary downloaded)", crypto.status !== 0);
  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
  const typed = check(
    'strict type-check of a bot (skipLibCheck: false)',
    run(process.execPath, [tsc, '-p', '.'], app) !== undefined,
  );
  if (typed) {
    const out = run(process.execPath, ['out/bot.js'], app);
    check(
      'the bot answers a command through @stats/core/testing',
      out?.includes('answered:') === true,
      out?.trim().split('\n')[0] ?? '',
    );
    check(
      'each adapter is constructed (Matrix without its native crypto)',
      out?.includes('adapters: matrix telegram discord console') === true,
    );
    const on24 = run(registryNode(24), ['out/bot.js'], app);
    check('the same bot runs on Node 24 LTS', on24?.includes('adapters: matrix telegram discord console') === true);
  }
}

if (!keep) rmSync(work, { recursive: true, force: true });
else log(`kept ${work}`);
process.stdout.write(`consumer: ${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
