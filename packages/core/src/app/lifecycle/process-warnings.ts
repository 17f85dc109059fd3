import type { Logger } from 'pino';

/**
 * Sends the process's warnings (`MaxListenersExceededWarning`, deprecations, experimental
 * features) to the logger as JSON lines, instead of Node's plain-text line on standard error,
 * so the bot's output stays one JSON object per line. Removes Node's own printer (the
 * `warning` listener Node adds at start unless `--no-warnings`); other listeners stay.
 * Returns a function that puts Node's printer back.
 */
export function logProcessWarnings(logger: Logger): () => void {
  const printers = process.listeners('warning').filter((listener) => listener.name === 'onWarning');
  for (const printer of printers) process.off('warning', printer);
  const onWarning = (warning: Error & { code?: string }): void => {
    logger.warn(
      {
        warning: {
          name: warning.name,
          message: warning.message,
          ...(warning.code === undefined ? {} : { code: warning.code }),
        },
      },
      `process warning: ${warning.name}`,
    );
  };
  process.on('warning', onWarning);
  return () => {
    process.off('warning', onWarning);
    for (const printer of printers) process.on('warning', printer);
  };
}
