import type { Logger } from 'pino';
import type { AdapterCapabilities, ChatAdapter, IncomingMessage, Platform, ReplyOptions } from '../chat/index.js';
import { textDocument, type Document } from '../document/index.js';
import type { Session, SessionService } from '../sessions/index.js';
import type { Sources } from '../sources/index.js';
import type { Command, CommandResult, CommandSettings } from './define-command.js';
import type { MaybePromise, Middleware, MiddlewareContext, Next } from './middleware.js';

const PUBLIC: ReplyOptions = Object.freeze({});
const PRIVATE: ReplyOptions = Object.freeze({ ephemeral: true });
const NO_ARGS: Record<string, unknown> = Object.freeze({}) as Record<string, unknown>;

/** What every context of one bot shares. */
export interface ContextShared {
  readonly sources: Sources;
  readonly sessions: SessionService | undefined;
  readonly settings: CommandSettings;
  readonly logger: Logger;
  readonly shutdown: AbortSignal;
  readonly now: () => number;
}

/** The one `next` of a context (an anonymous closure: no per-instance naming by the loader). */
function nextOf(ctx: InvocationContext): Next {
  return () => ctx.advance();
}

/**
 * One command invocation's context, made once per message and passed along the command's
 * chain. The logger and the signal are created on first use, so a command that needs neither
 * (the common, fast case) costs no allocation for them. One `next` function per context walks
 * the chain (no closure per step).
 */
export class InvocationContext implements MiddlewareContext {
  args: Record<string, unknown> = NO_ARGS;
  session: Session | undefined = undefined;
  note: string | Promise<string | undefined> | undefined = undefined;
  outcome = 'ok';
  recover: ((ctx: MiddlewareContext, error: unknown) => Promise<unknown>) | undefined = undefined;
  #controller: AbortController | undefined;
  #signal: AbortSignal | undefined;
  #logger: Logger | undefined;
  #abortReason: unknown;
  #reply: ((doc: Document | string) => Promise<void>) | undefined;
  readonly #steps: readonly Middleware[];
  #step = 0;
  readonly #next: Next;

  constructor(
    readonly message: IncomingMessage,
    readonly command: Command,
    readonly adapter: ChatAdapter,
    readonly shared: ContextShared,
    readonly argText: string,
    steps: readonly Middleware[],
  ) {
    this.#steps = steps;
    this.#next = nextOf(this);
  }

  /** Runs the chain from its first step; the last step is the command's `run`. */
  run(): MaybePromise<CommandResult> {
    return this.advance();
  }

  /** Runs the next step of the chain (what `next` does). @internal */
  advance(): MaybePromise<CommandResult> {
    const index = this.#step++;
    const step = this.#steps[index];
    if (step !== undefined) return step(this, this.#next);
    if (index === this.#steps.length) return this.command.run(this);
    throw new Error(`next() was called more than once in the chain of ${this.command.name}`);
  }

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
    this.#logger ??= this.shared.logger.child({
      command: this.command.name,
      platform: this.message.platform,
      room: this.message.room.id,
    });
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

  // `now` and `reply` are getters returning functions that need no `this`, so a command may
  // destructure them (`run: ({ args, now, reply }) => …`). `now` is the bot's clock itself (no
  // field per context); `reply` is made on first use only.
  get now(): () => number {
    return this.shared.now;
  }

  get reply(): (doc: Document | string) => Promise<void> {
    this.#reply ??= async (doc) => {
      await this.adapter.reply(
        this.message,
        typeof doc === 'string' ? textDocument(doc) : doc,
        this.command.private ? PRIVATE : PUBLIC,
      );
    };
    return this.#reply;
  }

  /** Aborts the signal (time budget ran out). */
  abort(reason: unknown): void {
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }
}
