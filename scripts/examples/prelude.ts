// The placeholders TSDoc examples lean on, with their real types: what a reader has at hand
// where the example would be pasted. scripts/check-examples.mjs puts them in scope.
import type {
  ChartSpec,
  ChatAdapter,
  Command,
  DeliveryLog,
  Document,
  IncomingMessage,
  Logger,
  Metrics,
  Notifier,
  ReportBuilder,
  ReportTarget,
  RoomRef,
  SessionCipher,
  SessionManager,
  SessionStore,
  UmamiClient,
} from '@stats/core';
import type { StatsConfig } from '@stats/core/app';

export declare const config: StatsConfig;
export declare const adapters: readonly ChatAdapter[];
export declare const matrix: ChatAdapter;
export declare const adapter: ChatAdapter;
export declare const room: RoomRef;
export declare const chart: ChartSpec;
export declare const telegram: ChatAdapter;
export declare const commands: readonly Command[];
export declare const logger: Logger;
export declare const metrics: Metrics;
export declare const signal: AbortSignal;
export declare const cipher: SessionCipher;
export declare const manager: SessionManager;
export declare const store: SessionStore;
export declare const umami: UmamiClient;
export declare const notifier: Notifier;
export declare const deliveries: DeliveryLog;
export declare const targets: readonly ReportTarget[];
export declare const build: ReportBuilder;
export declare const buildDaily: ReportBuilder;
export declare const buildWeekly: ReportBuilder;
export declare const doc: Document;
export declare const message: IncomingMessage;
export declare const url: string;
export declare const baseUrl: string;
export declare const email: string;
export declare const password: string;
export declare const serviceKey: string;
export declare const uptime: Command;
export declare const dice: Command;
export declare function roll(count: number, sides: number): string;
