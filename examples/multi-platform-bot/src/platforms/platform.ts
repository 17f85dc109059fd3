import type { ChartSpec, ChatAdapter, ImageAttachment, Logger } from '@stats/core';
import type { StatsConfig } from '@stats/core/app';
import type { EnvVariables } from '@stats/core/env';

/** What every platform module gets besides the environment and the shared configuration. */
export interface PlatformDeps {
  readonly logger: Logger;
  /** Renders a chart block to PNG (ECharts + resvg, loaded on the first chart). */
  readonly renderChart: (chart: ChartSpec) => Promise<ImageAttachment>;
  /** The platform refused the bot's credentials for good: the process should exit. */
  readonly onFatal: (reason: string) => void;
}

/**
 * A platform the bot can serve: `fromEnv` reads the platform's variables through its adapter's
 * own `fromEnv` slice and returns the adapter when they are set, `undefined` when they are not;
 * `config` holds the shared settings (`DATA_DIR`, `CATCH_UP_WINDOW`, …).
 *
 * @throws ConfigError naming each bad platform variable.
 */
export interface PlatformModule {
  fromEnv(env: EnvVariables, config: StatsConfig, deps: PlatformDeps): ChatAdapter | undefined;
}
