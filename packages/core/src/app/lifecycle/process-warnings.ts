import type { Logger } from 'pino';

/**
 * The package that caused a warning: the first frame of its stack inside `node_modules`
 * (pnpm's `.pnpm/<id>/node_modules/<name>` layout included), e.g. `request` for the
 * `util._extend` deprecation that matrix-bot-sdk's HTTP client triggers; `undefined` when the
 * warning came from the application's own code or Node itself.
 *
 * @example
 * warningSource('DeprecationWarning: …\n    at Object.<anonymous> (/app/node_modules/request/request.js:9:1)'); // 'request'
 */
export function warningSource(stack: string | undefined): string | undefined {
  for (const line of (stack ?? '').split('\n').slice(1)) {
    if (line.includes('node:internal') || line.includes('(node:')) continue;
    const match = /node_modules\/(?!\.pnpm\/)((?:@[^/]+\/)?[^/]+)\/(?!.*node_modules\/)/.exec(line.replace(/\\/g, '/'));
    return match?.[1];
  }
  return undefined;
}

/**
 * Sends the process's warnings (`MaxListenersExceededWarning`, deprecations, experimental
 * features) to the logger as JSON lines, instead of Node's plain-text line on standard error,
 * so the bot's output stays one JSON object per line. Each line names the package that caused
 * the warning (`from`) when it came from a dependency; a dependency's deprecation is logged at
 * `info`, since there is nothing for the operator to do but wait for that package's update.
 * Removes Node's own printer (the `warning` listener Node adds at start unless
 * `--no-warnings`); other listeners stay. Returns a function that puts Node's printer back.
 */
export function logProcessWarnings(logger: Logger): () => void {
  const printers = process.listeners('warning').filter((listener) => listener.name === 'onWarning');
  for (const printer of printers) process.off('warning', printer);
  const onWarning = (warning: Error & { code?: string }): void => {
    const from = warningSource(warning.stack);
    const line = {
      warning: {
        name: warning.name,
        message: warning.message,
        ...(warning.code === undefined ? {} : { code: warning.code }),
        ...(from === undefined ? {} : { from }),
      },
    };
    const message = `process warning: ${warning.name}${from === undefined ? '' : ` (from ${from})`}`;
    if (warning.name === 'DeprecationWarning' && from !== undefined) logger.info(line, message);
    else logger.warn(line, message);
  };
  process.on('warning', onWarning);
  return () => {
    process.off('warning', onWarning);
    for (const printer of printers) process.on('warning', printer);
  };
}
