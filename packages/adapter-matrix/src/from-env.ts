import { envReader, type EnvVariables } from '@stats/core/env';
import type { MatrixAdapterOptions } from './matrix-adapter.js';

/** The Matrix settings that come from the environment: spread them into {@link createMatrixAdapter}'s options. */
export type MatrixEnvOptions = Pick<MatrixAdapterOptions, 'homeserverUrl' | 'accessToken' | 'allowedInviters'>;

/** The variables {@link fromEnv} reads (`MATRIX_ACCESS_TOKEN` is a secret). */
export const MATRIX_ENV_VARIABLES: readonly string[] = [
  'MATRIX_HOMESERVER_URL',
  'MATRIX_ACCESS_TOKEN',
  'MATRIX_ALLOWED_INVITERS',
];

/**
 * The Matrix slice of the configuration: `MATRIX_HOMESERVER_URL` (an http(s) URL),
 * `MATRIX_ACCESS_TOKEN` (each requires the other) and `MATRIX_ALLOWED_INVITERS` (user ids or
 * homeserver names, comma-separated; unset: anyone may invite). Blank counts as unset.
 *
 * @param env - The environment (default `process.env`).
 * @returns The adapter's options, or `undefined` when Matrix is not configured (neither URL nor token set).
 * @throws ConfigError naming every bad or missing variable, never a value.
 * @example
 * import { createMatrixAdapter, fromEnv } from '@stats/adapter-matrix';
 * const matrixEnv = fromEnv();
 * if (matrixEnv !== undefined) createMatrixAdapter({ ...matrixEnv, dataDir: './data' });
 */
export function fromEnv(env: EnvVariables = process.env): MatrixEnvOptions | undefined {
  const read = envReader(env);
  const homeserverUrl = read.url('MATRIX_HOMESERVER_URL');
  const accessToken = read.text('MATRIX_ACCESS_TOKEN');
  const allowedInviters = read.list('MATRIX_ALLOWED_INVITERS');
  read.requireTogether('MATRIX_HOMESERVER_URL', 'MATRIX_ACCESS_TOKEN');
  read.check();
  if (homeserverUrl === undefined || accessToken === undefined) return undefined;
  return allowedInviters === undefined
    ? { homeserverUrl, accessToken }
    : { homeserverUrl, accessToken, allowedInviters };
}
