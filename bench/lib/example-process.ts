import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const examples = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');

/** An example's compiled entry point and how the RESULTS row names it. */
interface ExampleProcess {
  /** The arguments of `node` that start it. */
  readonly args: readonly string[];
  /** `node examples/<name>/dist/main.js`, for the rows' `how`. */
  readonly command: string;
}

/**
 * How an operator runs an example in production (`pnpm build:examples`, then
 * `node examples/<name>/dist/main.js`, the `start:prod` script): the compiled example on the
 * bundled packages, without tsx compiling sources on load (which costs the process 60–80 MiB of
 * RSS that no deployment has). `pnpm bench` builds the examples first.
 * @throws Error naming `pnpm build:examples` when the build is missing or older than the sources.
 */
function exampleProcess(name: string): ExampleProcess {
  const main = path.join(examples, name, 'dist', 'main.js');
  const source = path.join(examples, name, 'src', 'main.ts');
  if (!existsSync(main) || statSync(main).mtimeMs < statSync(source).mtimeMs - 1)
    throw new Error(
      `examples/${name}/dist/main.js is ${existsSync(main) ? 'older than its sources' : 'missing'}: run \`pnpm build:examples\` (\`pnpm bench\` does)`,
    );
  return { args: [main], command: `node examples/${name}/dist/main.js` };
}

/** An example process started by {@link startExample}. */
export interface RunningExample {
  /** `node examples/<name>/dist/main.js`, for the rows' `how`. */
  readonly command: string;
  /** Waits `idleMs`, then reads `process_resident_memory_bytes` from the example's /metrics (bytes). */
  idleRss(idleMs: number): Promise<number>;
  /** Kills the process. */
  stop(): void;
}

/**
 * Starts `examples/<name>` as {@link exampleProcess} runs it, on a free loopback port with `env`
 * added (PATH, PORT, HOST and LOG_LEVEL are set), and resolves once it logs `<name> running`
 * with its URL. `onLine` sees every log line before that (e.g. to check that crypto started).
 * @throws Error when it exits or is not running within 60 s.
 */
export async function startExample(
  name: string,
  env: Readonly<Record<string, string>>,
  onLine: (line: string) => void = () => undefined,
): Promise<RunningExample> {
  const example = exampleProcess(name);
  const child = spawn(process.execPath, [...example.args], {
    env: { PATH: process.env['PATH'] ?? '', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} did not start within 60 s`)), 60_000);
      child.once('exit', (code) => reject(new Error(`${name} exited with ${String(code)}`)));
      createInterface({ input: child.stderr }).on('line', (line) => {
        onLine(line);
        if (!line.includes(`${name} running`)) return;
        clearTimeout(timer);
        resolve(String((JSON.parse(line) as { url?: unknown }).url));
      });
    });
    return {
      command: example.command,
      async idleRss(idleMs) {
        await new Promise((resolve) => setTimeout(resolve, idleMs));
        const metrics = await (await fetch(`${url}/metrics`)).text();
        return Number(/^process_resident_memory_bytes (\S+)$/m.exec(metrics)?.[1] ?? Number.NaN);
      },
      stop: () => child.kill('SIGKILL'),
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}
