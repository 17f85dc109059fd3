import type { ChartSpec, ChatAdapter, ImageAttachment, Logger } from '@stats/core';
import type { StatsConfig } from '@stats/core/app';

/** What every platform module gets besides the configuration. */
export interface PlatformDeps {
  readonly logger: Logger;
  /** Renders a chart block to PNG (ECharts + resvg, loaded on the first chart). */
  readonly renderChart: (chart: ChartSpec) => Promise<ImageAttachment>;
  /** The platform refused the bot's credentials for good: the process should exit. */
  readonly onFatal: (reason: string) => void;
}

/**
 * A platform the bot can serve: `fromConfig` returns its adapter when the platform's variables
 * are set, `undefined` when they are not.
 */
export interface PlatformModule {
  fromConfig(config: StatsConfig, deps: PlatformDeps): ChatAdapter | undefined;
}
