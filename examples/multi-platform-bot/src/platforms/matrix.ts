import { createMatrixAdapter } from '@stats/adapter-matrix';
import type { ChatAdapter } from '@stats/core';
import type { StatsConfig } from '@stats/core/app';
import type { PlatformDeps } from './platform.js';

/** Matrix, when `MATRIX_HOMESERVER_URL` and `MATRIX_ACCESS_TOKEN` are set. */
export function fromConfig(config: StatsConfig, deps: PlatformDeps): ChatAdapter | undefined {
  const matrix = config.matrix;
  if (matrix === undefined) return undefined;
  return createMatrixAdapter({
    homeserverUrl: matrix.homeserverUrl,
    accessToken: matrix.accessToken,
    dataDir: config.dataDir,
    catchUpWindowMs: config.catchUpWindowMs,
    ...(matrix.allowedInviters ? { allowedInviters: matrix.allowedInviters } : {}),
    renderChart: deps.renderChart,
    onFatal: () => deps.onFatal('the homeserver rejected MATRIX_ACCESS_TOKEN'),
  });
}
