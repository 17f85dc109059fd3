import type { Logger } from 'pino';
import type { AdapterCapabilities, IncomingMessage, Platform } from '../chat/index.js';
import type { Document } from '../document/index.js';
import type { Session, SessionService } from '../sessions/index.js';
import type { Sources } from '../sources/index.js';
import type { CommandContext, CommandSettings } from './define-command.js';

/** What every context of one bot shares. */
export interface ContextShared {
  readonly sources: Sources;
  readonly sessions: SessionService | undefined;
  readonly settings: CommandSettings;
  readonly logger: Logger;
  readonly shutdown: AbortSignal;
  readonly now: () => number;
}

/**
 * One command invocation's context. The logger and the signal are created on first use, so a
 * command that needs neither (the common, fast case) costs no allocation for them.
 */
export class InvocationContext implements CommandContext<Record<string, unknown>> {
  session: Session | undefined = undefined;
  #controller: AbortController | undefined;
  #signal: AbortSignal | undefined;
  #logger: Logger | undefined;
  #abortReason: unknown;

  constructor(
    readonly message: IncomingMessage,
    readonly args: Record<string, unknown>,
    readonly commandName: string,
    readonly platform: { readonly name: Platform; readonly capabilities: AdapterCapabilities },
    readonly shared: ContextShared,
    readonly replyFn: (doc: Document | string) => Promise<void>,
  ) {}

  get sources(): Sources {
    return this.shared.sources;
  }

  get sessions(): SessionService | undefined {
    return this.shared.sessions;
  }

  get settings(): CommandSettings {
    return this.shared.settings;
  }

  get logger(): Logger {
    this.#logger ??= this.shared.logger.child({ command: this.commandName, platform: this.message.platform, room: this.message.room.id });
    return this.#logger;
  }

  get signal(): AbortSignal {
    if (this.#signal === undefined) {
      this.#controller = new AbortController();
      if (this.#abortReason !== undefined) this.#controller.abort(this.#abortReason);
      this.#signal = AbortSignal.any([this.#controller.signal, this.shared.shutdown]);
    }
    return this.#signal;
  }

  now(): number {
    return this.shared.now();
  }

  reply(doc: Document | string): Promise<void> {
    return this.replyFn(doc);
  }

  /** Aborts the signal (time budget ran out). */
  abort(reason: unknown): void {
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }
}
