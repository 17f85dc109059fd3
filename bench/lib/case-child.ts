/**
 * Runs one case in a process of its own (started by `bench/run.ts` with `fork`), so no case
 * measures inside a heap, JIT state or event loop that another case left behind. Reports
 * progress, notes and rows to the parent over IPC, then exits.
 *
 *   case-child.ts <case file> <case name> [--quick]
 */
import { pathToFileURL } from 'node:url';
import type { BenchCase, BenchContext, BenchRow } from '../harness.js';

/** What the child sends its parent. */
export type ChildMessage =
  | { readonly type: 'progress'; readonly line: string }
  | { readonly type: 'note'; readonly text: string }
  | { readonly type: 'rows'; readonly rows: readonly BenchRow[]; readonly cpuSeconds: number }
  | { readonly type: 'error'; readonly error: string };

function send(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) {
      console.log(JSON.stringify(message));
      resolve();
    } else process.send(message, undefined, {}, () => resolve());
  });
}

async function main(): Promise<void> {
  const [file, name] = process.argv.slice(2);
  const quick = process.argv.includes('--quick');
  if (file === undefined || name === undefined)
    throw new Error('usage: case-child.ts <case file> <case name> [--quick]');
  const module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const benchCase = Object.values(module).find(
    (v): v is BenchCase => typeof v === 'object' && v !== null && (v as BenchCase).name === name,
  );
  if (benchCase === undefined) throw new Error(`${file} exports no case named ${name}`);
  const pending: Promise<void>[] = [];
  const context: BenchContext = {
    quick,
    progress: (line) => void pending.push(send({ type: 'progress', line })),
    note: (text) => void pending.push(send({ type: 'note', text })),
  };
  try {
    const rows = await benchCase.run(context);
    await Promise.all(pending);
    const cpu = process.cpuUsage();
    await send({ type: 'rows', rows, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  } catch (error) {
    await Promise.all(pending);
    await send({ type: 'error', error: (error as Error).stack?.split('\n').slice(0, 4).join(' ') ?? String(error) });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
