/**
 * `pnpm bench`: runs every case file in `bench/cases/`, prints progress, and writes
 * `bench/RESULTS.md` and `bench/results.json`.
 *
 *   pnpm bench                      every case, publishes RESULTS.md + results.json
 *   pnpm bench --filter footprint   only cases whose name or file contains the text
 *   pnpm bench --quick              fewer messages and rounds (checks the bench, not the code)
 *
 * A filtered or quick run writes to `bench/out/` instead, so it never overwrites the published
 * figures with a partial table.
 */
import { fork } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { BenchCase, BenchRow } from './harness.js';
import type { ChildMessage } from './lib/case-child.js';
import { machineFacts } from './lib/machine.js';
import { renderJson, renderMarkdown, type BenchReport, type CaseReport } from './lib/report.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The areas issue 10 asks for, and the words that mark a case as covering one. */
const AREAS: readonly { readonly area: string; readonly words: readonly string[] }[] = [
  { area: 'dispatch (in-memory, vs Hubot and the Chat SDK)', words: ['dispatch'] },
  {
    area: 'end-to-end over real sockets (Matrix, Telegram, Discord stand-ins: message → reply p50/p99)',
    words: ['e2e', 'end-to-end', 'socket'],
  },
  {
    area: 'fan-out (one report to 1,000 rooms under rate limits, ratio to the theoretical minimum)',
    words: ['fanout', 'fan-out'],
  },
  {
    area: 'upstream economy (Umami calls per 100 concurrent !stats; refresh calls per 1,000 session uses at expiry)',
    words: ['upstream', 'economy'],
  },
  { area: 'footprint (cold start and RSS after GC, vs Hubot and the Chat SDK)', words: ['footprint'] },
  { area: 'renderers (daily report on four renderers, chart PNG)', words: ['render'] },
];

function isBenchCase(value: unknown): value is BenchCase {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as BenchCase).name === 'string' &&
    typeof (value as BenchCase).run === 'function'
  );
}

/** Loads every case file; a file that fails to load or exports no case is reported, not skipped. */
async function discover(dir: string): Promise<{ file: string; cases: BenchCase[]; error?: string }[]> {
  const files = (await readdir(dir))
    .filter((f) => /\.(ts|mts|js|mjs)$/.test(f) && !/\.(test|d)\.[mc]?[tj]s$/.test(f))
    .sort();
  const found: { file: string; cases: BenchCase[]; error?: string }[] = [];
  for (const file of files) {
    try {
      const module = (await import(pathToFileURL(path.join(dir, file)).href)) as Record<string, unknown>;
      const cases = Object.values(module).filter(isBenchCase);
      found.push(
        cases.length > 0
          ? { file, cases }
          : { file, cases, error: 'exports no BenchCase (an object with `name` and `run`)' },
      );
    } catch (error) {
      found.push({ file, cases: [], error: `did not load: ${(error as Error).message.split('\n')[0] ?? ''}` });
    }
  }
  return found;
}

/**
 * Runs one case in a fresh process (`lib/case-child.ts`, same tsx loader and conditions as this
 * one), forwarding its progress and collecting its notes and rows.
 */
function runInChild(
  file: string,
  name: string,
  quick: boolean,
  progress: (line: string) => void,
  note: (text: string) => void,
): Promise<{ rows: BenchRow[]; cpuSeconds: number }> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(here, 'lib', 'case-child.ts'), [file, name, ...(quick ? ['--quick'] : [])], {
      execArgv: process.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: { rows: BenchRow[]; cpuSeconds: number } | undefined;
    let failure: string | undefined;
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'progress') progress(message.line);
      else if (message.type === 'note') note(message.text);
      else if (message.type === 'rows') result = { rows: [...message.rows], cpuSeconds: message.cpuSeconds };
      else failure = message.error;
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (failure !== undefined) reject(new Error(failure));
      else if (result !== undefined) resolve(result);
      else reject(new Error(`the case process exited (${code ?? signal ?? '?'}) without results`));
    });
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { filter: { type: 'string' }, quick: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const filter = values.filter ?? process.env['BENCH_FILTER'];
  const quick = values.quick === true || process.env['BENCH_QUICK'] === '1';
  const partial = filter !== undefined || quick;
  const started = performance.now();
  const stamp = (): string => `[${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s]`;
  const command = `pnpm bench${filter !== undefined ? ` --filter ${filter}` : ''}${quick ? ' --quick' : ''}`;
  console.log(`${stamp()} ${command}${partial ? ' (partial: results go to bench/out/)' : ''}`);

  const machine = machineFacts(here);
  const discovered = await discover(path.join(here, 'cases'));
  const reports: CaseReport[] = [];
  const notes: string[] = [];
  for (const entry of discovered) {
    if (entry.error !== undefined) {
      console.log(`${stamp()} ${entry.file}: ${entry.error}`);
      reports.push({
        name: entry.file,
        file: entry.file,
        description: undefined,
        seconds: 0,
        rows: [],
        error: entry.error,
      });
      continue;
    }
    for (const benchCase of entry.cases) {
      const wanted = filter === undefined || benchCase.name.includes(filter) || entry.file.includes(filter);
      if (!wanted) continue;
      console.log(`${stamp()} ${benchCase.name} (${entry.file}): starting`);
      const caseStarted = performance.now();
      let rows: BenchRow[] = [];
      let cpuSeconds: number | undefined;
      let error: string | undefined;
      try {
        const progress = (line: string): void => console.log(`${stamp()} ${benchCase.name}: ${line}`);
        ({ rows, cpuSeconds } = await runInChild(
          path.join(here, 'cases', entry.file),
          benchCase.name,
          quick,
          progress,
          (text) => notes.push(text),
        ));
      } catch (caught) {
        error = (caught as Error).message.split('\n').slice(0, 3).join(' ');
        console.error(`${stamp()} ${benchCase.name}: FAILED: ${error}`);
      }
      const seconds = (performance.now() - caseStarted) / 1000;
      reports.push({
        name: benchCase.name,
        file: entry.file,
        description: benchCase.description,
        seconds,
        ...(cpuSeconds !== undefined ? { cpuSeconds } : {}),
        rows,
        ...(error !== undefined ? { error } : {}),
      });
      console.log(
        `${stamp()} ${benchCase.name}: done in ${seconds.toFixed(1)} s (${cpuSeconds?.toFixed(1) ?? '?'} s CPU), ${rows.length} rows`,
      );
    }
  }
  if (filter !== undefined && reports.length === 0) {
    console.error(
      `no case matches --filter ${filter}; cases: ${discovered.flatMap((d) => d.cases.map((c) => c.name)).join(', ')}`,
    );
    return 1;
  }

  const names = discovered
    .flatMap((d) => [d.file, ...d.cases.map((c) => c.name)])
    .join(' ')
    .toLowerCase();
  const missingAreas = AREAS.filter((a) => !a.words.some((w) => names.includes(w))).map((a) => a.area);
  const report: BenchReport = {
    date: new Date().toISOString(),
    command,
    durationSeconds: (performance.now() - started) / 1000,
    machine,
    cases: reports,
    missingAreas,
    notes,
  };
  const outDir = partial ? path.join(here, 'out') : here;
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, 'RESULTS.md'), renderMarkdown(report));
  await writeFile(path.join(outDir, 'results.json'), renderJson(report));
  console.log(`${stamp()} wrote ${path.relative(process.cwd(), path.join(outDir, 'RESULTS.md'))} and results.json`);
  for (const area of missingAreas) console.log(`${stamp()} no case yet: ${area}`);
  return reports.some((r) => r.error !== undefined) ? 1 : 0;
}

process.exitCode = await main();
