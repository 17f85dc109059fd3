import { createMatrixAdapter, fromEnv as matrixFromEnv } from '@stats/adapter-matrix';
import type { ChatAdapter } from '@stats/core';
import type { StatsConfig } from '@stats/core/app';
import type { EnvVariables } from '@stats/core/env';
import type { PlatformDeps } from './platform.js';

/** Matrix, when `MATRIX_HOMESERVER_URL` and `MATRIX_ACCESS_TOKEN` are set (and `MATRIX_ALLOWED_INVITERS`, if any). */
export function fromEnv(env: EnvVariables, config: StatsConfig, deps: PlatformDeps): ChatAdapter | undefined {
  const matrix = matrixFromEnv(env);
  if (matrix === undefined) return undefined;
  return createMatrixAdapter({
    ...matrix,
    dataDir: config.dataDir,
    catchUpWindowMs: config.catchUpWindowMs,
    renderChart: deps.renderChart,
    onFatal: () => deps.onFatal('the homeserver rejected MATRIX_ACCESS_TOKEN'),
  });
}
