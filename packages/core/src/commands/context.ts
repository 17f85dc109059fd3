import type { Logger } from 'pino';
import type { AdapterCapabilities, ChatAdapter, IncomingMessage, Platform, ReplyOptions } from '../chat/index.js';
import { textDocument, type Document } from '../document/index.js';
import type { Session, SessionService } from '../sessions/index.js';
import type { Sources } from '../sources/index.js';
import type { Command, CommandContext, CommandSettings } from './define-command.js';

const PUBLIC: ReplyOptions = Object.freeze({});
const PRIVATE: ReplyOptions = Object.freeze({ ephemeral: true });

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
  #now: (() => number) | undefined;
  #reply: ((doc: Document | string) => Promise<void>) | undefined;

  constructor(
    readonly message: IncomingMessage,
    readonly args: Record<string, unknown>,
    readonly command: Command,
    readonly adapter: ChatAdapter,
    readonly shared: ContextShared,
  ) {}

  get platform(): { readonly name: Platform; readonly capabilities: AdapterCapabilities } {
    return { name: this.adapter.platform, capabilities: this.adapter.capabilities };
  }

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
    this.#logger ??= this.shared.logger.child({ command: this.command.name, platform: this.message.platform, room: this.message.room.id });
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

  // `now` and `reply` are getters returning functions bound to this invocation, so a command may
  // destructure them (`run: ({ args, now, reply }) => …`); each is made on first use only.
  get now(): () => number {
    this.#now ??= this.shared.now;
    return this.#now;
  }

  get reply(): (doc: Document | string) => Promise<void> {
    this.#reply ??= async (doc) => {
      await this.adapter.reply(this.message, typeof doc === 'string' ? textDocument(doc) : doc, this.command.private ? PRIVATE : PUBLIC);
    };
    return this.#reply;
  }

  /** Aborts the signal (time budget ran out). */
  abort(reason: unknown): void {
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }
}
