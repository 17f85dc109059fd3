import type { Logger } from 'pino';
import type { ChatAdapter } from '../chat/index.js';
import type { Metrics } from '../metrics/index.js';
import type { Session, SessionService } from '../sessions/index.js';
import type { Command, CommandContext, CommandResult, CommandSettings, RateLimitSpec } from './define-command.js';

/** A value, or a promise of it: synchronous steps stay synchronous. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Continues with the next step of the chain (in the end the command's `run`); returns its
 * answer, or a promise of it. Call it at most once.
 */
export type Next = () => MaybePromise<CommandResult>;

/**
 * One step of a command's dispatch chain: the built-in guards and user middleware alike. Call
 * `next()` to continue and return (or transform) its answer; return or throw without calling
 * it to answer instead. A thrown `StatsError`'s user message becomes the answer.
 *
 * The `middleware` option of `createBot` runs each for every command that passed the guards;
 * `ctx.command` says which command it is.
 */
export type Middleware = (ctx: MiddlewareContext, next: Next) => MaybePromise<CommandResult>;

/** The context the chain's steps share: the command's context plus what the guards fill in. */
export interface MiddlewareContext extends CommandContext<Record<string, unknown>> {
  /** The command being run. */
  readonly command: Command;
  /** The adapter the message came from (and the answer goes to). */
  readonly adapter: ChatAdapter;
  /** The text after the command word (`''` for a command the platform parsed). */
  readonly argText: string;
  /** Set by the `arguments` guard; empty before it. */
  args: Record<string, unknown>;
  /** Set by the `session` guard for `auth: 'session'` commands. */
  session: Session | undefined;
  /** A paragraph added to the answer, success or failure (e.g. that a password was removed); a promise is awaited first. */
  note: string | Promise<string | undefined> | undefined;
  /** How the command ended, for the metrics: `ok` unless a step says otherwise. */
  outcome: string;
  /**
   * Set by the step whose returned promise is the answer's send: called by the dispatcher if
   * that promise rejects (so a failed send is answered and counted like any failure).
   */
  recover: ((ctx: MiddlewareContext, error: unknown) => Promise<unknown>) | undefined;
  /** Aborts `signal` (the time budget ran out). */
  abort(reason: unknown): void;
}

/** Sees every command failure that is not the user's fault (a bug, an upstream, a timeout). */
export type CommandErrorHandler = (error: unknown, info: CommandErrorInfo) => void;

/** What {@link CommandErrorHandler} gets besides the error. */
export interface CommandErrorInfo {
  readonly command: string;
  /** The id shown in the chat answer and written to the log. */
  readonly errorId: string;
  readonly message: MiddlewareContext['message'];
}

/** What a {@link Guard} is set up with: the dispatcher's options, once per dispatcher. */
export interface GuardSetup {
  readonly settings: CommandSettings;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now: () => number;
  readonly sessions: SessionService | undefined;
  /** Time budget of a command unless it declares its own, ms. */
  readonly timeoutMs: number;
  /** Per-user rate limit unless a command declares its own; `false` disables it. */
  readonly rateLimit: RateLimitSpec | false;
  /** Show typing after this many ms of work. */
  readonly typingDelayMs: number;
  /** The user's middleware, in order. */
  readonly middleware: readonly Middleware[];
  readonly onError: CommandErrorHandler | undefined;
}

/**
 * A named step of the dispatch chain. `setup` runs once per dispatcher (state such as a rate
 * limiter's buckets lives in its closure) and returns a function that is called once per
 * command, when the command's chain is composed: it returns the step(s) for that command, or
 * `undefined` where the guard has nothing to do for it (so that command pays nothing for it).
 * A bot places its own with the `guards` option of `createBot`: each guard with the name of
 * the built-in one it goes before or after (see {@link GuardPlacement}).
 */
export interface Guard {
  /** The guard's name, to place other guards before or after it. */
  readonly name: string;
  readonly setup: (bot: GuardSetup) => (command: Command) => Middleware | readonly Middleware[] | undefined;
}

/** Where a bot author's {@link Guard} goes in the chain: before or after a guard of that name. */
export type GuardPlacement =
  { readonly guard: Guard; readonly before: string } | { readonly guard: Guard; readonly after: string };

/** A guard that runs `middleware` for every command. */
export function everyCommand(name: string, middleware: Middleware): Guard {
  return { name, setup: () => () => middleware };
}

/**
 * `guards` with `guard` placed before or after the guard named in `where`.
 * @throws TypeError when no guard has that name.
 */
export function insertGuard(
  guards: readonly Guard[],
  guard: Guard,
  where: { readonly before: string } | { readonly after: string },
): Guard[] {
  const name = 'before' in where ? where.before : where.after;
  const at = guards.findIndex((g) => g.name === name);
  if (at === -1) throw new TypeError(`no guard named "${name}" (guards: ${guards.map((g) => g.name).join(', ')})`);
  const index = 'before' in where ? at : at + 1;
  return [...guards.slice(0, index), guard, ...guards.slice(index)];
}
