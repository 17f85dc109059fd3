import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const examples = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');

/** An example's compiled entry point and how the RESULTS row names it. */
export interface ExampleProcess {
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
export function exampleProcess(name: string): ExampleProcess {
  const main = path.join(examples, name, 'dist', 'main.js');
  const source = path.join(examples, name, 'src', 'main.ts');
  if (!existsSync(main) || statSync(main).mtimeMs < statSync(source).mtimeMs - 1)
    throw new Error(
      `examples/${name}/dist/main.js is ${existsSync(main) ? 'older than its sources' : 'missing'}: run \`pnpm build:examples\` (\`pnpm bench\` does)`,
    );
  return { args: [main], command: `node examples/${name}/dist/main.js` };
}
