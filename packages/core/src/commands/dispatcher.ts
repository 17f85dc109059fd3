import { randomBytes } from 'node:crypto';
import type { ChatAdapter, IncomingMessage, ReplyOptions } from '../chat/index.js';
import { isDocument, textDocument, type Document } from '../document/index.js';
import { StatsError, TimeoutError } from '../errors/index.js';
import type { CounterSeries, HistogramSeries, Metrics } from '../metrics/index.js';
import { InvocationContext, type ContextShared } from './context.js';
import type { Command, CommandContext, CommandResult, RateLimitSpec } from './define-command.js';
import { unknownCommandText } from './help.js';
import { parseArgs, validateStructuredArgs } from './parse-args.js';
import { UserRateLimiter } from './rate-limiter.js';
import type { CommandRegistry } from './registry.js';
import { parseCommandLine } from './command-line.js';

/**
 * Wraps every command run: call `next()` to continue; return (or throw) to answer instead.
 * Middleware runs after the built-in guards and argument validation.
 */
export type Middleware = (
  ctx: CommandContext<Record<string, unknown>>,
  command: Command,
  next: () => Promise<CommandResult>,
) => Promise<CommandResult>;

/** Options of a {@link Dispatcher}. */
export interface DispatcherOptions {
  readonly registry: CommandRegistry;
  readonly shared: ContextShared;
  readonly metrics: Metrics;
  /** Time budget of a command unless it declares its own, ms. */
  readonly timeoutMs: number;
  /** Per-user rate limit unless a command declares its own; `false` disables it. */
  readonly rateLimit: RateLimitSpec | false;
  readonly middleware?: readonly Middleware[];
  /** Show typing after this many ms of work (default 300). */
  readonly typingDelayMs?: number;
  /** Called with every error that got an error id (not the user's fault), after it was logged. */
  readonly onError?: CommandErrorHandler;
}

/** What {@link CommandErrorHandler} gets besides the error. */
export interface CommandErrorInfo {
  readonly command: string;
  /** The id shown in the chat answer and written to the log. */
  readonly errorId: string;
  readonly message: IncomingMessage;
}

/** Sees every command failure that is not the user's fault (a bug, an upstream, a timeout). */
export type CommandErrorHandler = (error: unknown, info: CommandErrorInfo) => void;

const PUBLIC: ReplyOptions = Object.freeze({});
const PRIVATE: ReplyOptions = Object.freeze({ ephemeral: true });
/** Codes that deserve an error id in the answer (something broke, not the user's input). */
const WITH_ERROR_ID = new Set(['internal', 'upstream', 'unreachable', 'timeout', 'auth']);

/** Thrown to end a command without any answer (e.g. a repeated rate-limit refusal). */
class Silent extends Error {}

interface CommandStats {
  readonly ok: CounterSeries;
  readonly duration: HistogramSeries;
  readonly byOutcome: Map<string, CounterSeries>;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function toDocument(result: unknown): Document | undefined {
  if (result === undefined || result === null) return undefined;
  if (typeof result === 'string') return result === '' ? undefined : textDocument(result);
  if (isDocument(result)) return result.blocks.length === 0 ? undefined : result;
  throw new StatsError('internal', `command returned ${typeof result}, not a Document or string`);
}

/** The document with one more paragraph (`note`), or unchanged without one. */
function withNote(doc: Document, note: string | undefined): Document {
  return note === undefined ? doc : { ...doc, blocks: [...doc.blocks, { type: 'text', content: note }] };
}

/**
 * Routes one incoming message to its command and answers it: guards (where, sensitive, rate
 * limit, arguments, auth), the time budget, the error boundary and the metrics. It never
 * throws: every failure becomes a short answer, a log line with an error id, and a count.
 */
export class Dispatcher {
  readonly #registry: CommandRegistry;
  readonly #shared: ContextShared;
  readonly #metrics: Metrics;
  readonly #timeoutMs: number;
  readonly #limiter: UserRateLimiter | undefined;
  readonly #defaultRate: RateLimitSpec | false;
  readonly #middleware: readonly Middleware[];
  readonly #typingDelayMs: number;
  readonly #onError: CommandErrorHandler | undefined;
  readonly #stats = new Map<string, Map<string, CommandStats>>();
  readonly #drainWaiters: (() => void)[] = [];
  #inFlight = 0;

  constructor(options: DispatcherOptions) {
    this.#registry = options.registry;
    this.#shared = options.shared;
    this.#metrics = options.metrics;
    this.#timeoutMs = options.timeoutMs;
    this.#defaultRate = options.rateLimit;
    this.#limiter = options.rateLimit === false ? undefined : new UserRateLimiter(options.rateLimit);
    this.#middleware = options.middleware ?? [];
    this.#typingDelayMs = options.typingDelayMs ?? 300;
    this.#onError = options.onError;
  }

  /** Commands being handled right now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Resolves once no command is being handled. */
  drained(): Promise<void> {
    if (this.#inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /**
   * Handles one message from `adapter`; resolves once it is answered (or ignored). Never
   * rejects: every failure is answered, logged and counted.
   */
  async dispatch(message: IncomingMessage, adapter: ChatAdapter, mentionNames: readonly string[]): Promise<void> {
    // One async frame for the whole message: the hot path allocates per frame.
    this.#inFlight++;
    try {
      const started = performance.now();
      const prefix = this.#shared.settings.prefix;
      let command: Command | undefined;
      let argText = '';
      if (message.command !== undefined) {
        command = this.#registry.get(message.command.name.toLowerCase());
        if (command === undefined) return await this.#unknown(message, adapter, message.command.name.toLowerCase());
      } else {
        const line = parseCommandLine(message, prefix, mentionNames);
        if (line === undefined) return;
        command = this.#registry.get(line.name);
        if (command === undefined) {
          if (line.explicit || message.isDirect) await this.#unknown(message, adapter, line.name);
          return;
        }
        argText = line.argText;
      }
      const stats = this.#statsFor(command.name, message.platform);
      let outcome = 'ok';
      // A secret typed into a direct room is removed too where the platform lets the bot.
      const removal = command.sensitive && message.isDirect && argText.trim() !== '' ? this.#removeFromDirectRoom(message, adapter) : undefined;
      try {
        let doc = this.#execute(command, argText, message, adapter);
        if (doc !== undefined && !isDocument(doc)) doc = await doc;
        const note = removal === undefined ? undefined : await removal;
        if (doc !== undefined) await adapter.reply(message, withNote(doc, note), command.private ? PRIVATE : PUBLIC);
      } catch (error) {
        outcome = await this.#fail(error, command, message, adapter, removal === undefined ? undefined : await removal);
      }
      if (outcome === 'ok') stats.ok.value++;
      else this.#outcome(stats, command.name, message.platform, outcome).inc();
      stats.duration.observe((performance.now() - started) / 1000);
    } catch (error) {
      this.#shared.logger.error({ err: error, platform: message.platform, room: message.room.id }, 'message handling failed');
    } finally {
      if (--this.#inFlight === 0 && this.#drainWaiters.length > 0) for (const resolve of this.#drainWaiters.splice(0)) resolve();
    }
  }

  /** Runs guards and the command; synchronous (no promise) when every step is. */
  #execute(command: Command, argText: string, message: IncomingMessage, adapter: ChatAdapter): Document | undefined | Promise<Document | undefined> {
    const prefix = this.#shared.settings.prefix;
    if (!message.isDirect && (command.sensitive || command.where === 'direct-only')) {
      return this.#refuseInSharedRoom(command, message, adapter).then((error) => {
        throw error;
      });
    }
    const rate = command.rateLimit === undefined ? this.#defaultRate : command.rateLimit;
    if (rate !== false && this.#limiter !== undefined) {
      const verdict = this.#limiter.take(`${message.platform}:${message.sender.id}`, this.#shared.now(), rate);
      if (!verdict.allowed) {
        if (!verdict.firstRefusal) throw new Silent();
        const seconds = Math.max(1, Math.ceil(verdict.retryAfterMs / 1000));
        throw new StatsError('rate_limited', `rate limited for ${seconds}s`, `Slow down: try again in ${seconds} s.`);
      }
    }
    const args = message.command !== undefined ? validateStructuredArgs(command, message.command, prefix) : parseArgs(command, argText, prefix);
    const ctx = new InvocationContext(message, args, command, adapter, this.#shared);
    if (command.auth === 'session') return this.#requireSession(ctx, message).then(() => this.#run(ctx, command, message, adapter));
    return this.#run(ctx, command, message, adapter);
  }

  #run(ctx: InvocationContext, command: Command, message: IncomingMessage, adapter: ChatAdapter): Document | undefined | Promise<Document | undefined> {
    const result = this.#middleware.length === 0 ? command.run(ctx) : this.#runWithMiddleware(ctx, command, 0);
    if (!isThenable(result)) return toDocument(result);
    return this.#withBudget(result, ctx, command, message, adapter).then(toDocument);
  }

  #runWithMiddleware(ctx: InvocationContext, command: Command, index: number): Promise<CommandResult> {
    const middleware = this.#middleware[index];
    if (middleware === undefined) return Promise.resolve(command.run(ctx));
    return middleware(ctx, command, () => this.#runWithMiddleware(ctx, command, index + 1));
  }

  async #requireSession(ctx: InvocationContext, message: IncomingMessage): Promise<void> {
    const prefix = this.#shared.settings.prefix;
    const sessions = this.#shared.sessions;
    if (sessions === undefined) {
      throw new StatsError('config', 'session command without a session service', 'Logging in is not configured on this bot (set AUTH_URL).');
    }
    const session = await sessions.current(message.sender, { signal: ctx.signal });
    if (session === undefined) {
      throw new StatsError('not_logged_in', 'no session', `You are not logged in. Send ${prefix}login to me in a direct message first.`);
    }
    ctx.session = session;
  }

  #withBudget(result: PromiseLike<unknown>, ctx: InvocationContext, command: Command, message: IncomingMessage, adapter: ChatAdapter): Promise<unknown> {
    const budget = command.timeoutMs ?? this.#timeoutMs;
    return new Promise((resolve, reject) => {
      let typing = false;
      const typingTimer =
        adapter.typing === undefined
          ? undefined
          : setTimeout(() => {
              typing = true;
              adapter.typing?.(message.room, true).catch(() => undefined);
            }, this.#typingDelayMs);
      const timer = setTimeout(() => {
        const seconds = Math.round(budget / 100) / 10;
        const error = new TimeoutError('command', `${command.name} ran past its budget of ${budget} ms`, `${this.#shared.settings.prefix}${command.name} took longer than ${seconds} s and was stopped.`);
        ctx.abort(error);
        reject(error);
      }, budget);
      const done = (): void => {
        clearTimeout(timer);
        if (typingTimer !== undefined) clearTimeout(typingTimer);
        if (typing) adapter.typing?.(message.room, false).catch(() => undefined);
      };
      result.then(
        (value) => {
          done();
          resolve(value);
        },
        (error: unknown) => {
          done();
          reject(error);
        },
      );
    });
  }

  /**
   * Removes a sensitive message from a direct room (its history outlives the chat: a shared
   * screen, a device later lost); resolves to a line for the answer, undefined where the
   * platform cannot remove messages at all.
   */
  async #removeFromDirectRoom(message: IncomingMessage, adapter: ChatAdapter): Promise<string | undefined> {
    if (adapter.redact === undefined) return undefined;
    let reason = 'removing it failed';
    try {
      const result = await adapter.redact(message, 'contained a password');
      if (result.removed) return 'I removed your message with the password from this chat.';
      if (result.reason !== undefined) reason = result.reason;
    } catch (error) {
      this.#shared.logger.warn({ err: error, platform: message.platform, room: message.room.id }, 'could not redact a sensitive message in a direct room');
    }
    return `Please delete your message with the password yourself: I could not remove it (${reason}).`;
  }

  async #refuseInSharedRoom(command: Command, message: IncomingMessage, adapter: ChatAdapter): Promise<StatsError> {
    const prefix = this.#shared.settings.prefix;
    const where = `Send ${prefix}${command.name} to me in a direct message instead.`;
    if (!command.sensitive) {
      return new StatsError('direct_only', `${command.name} refused in a shared room`, `${prefix}${command.name} works in a direct message only. ${where}`);
    }
    let removed = false;
    let reason = 'this platform does not let me remove messages';
    if (adapter.redact !== undefined) {
      try {
        const result = await adapter.redact(message, 'contained a password');
        removed = result.removed;
        if (result.reason !== undefined) reason = result.reason;
      } catch (error) {
        reason = 'removing it failed';
        this.#shared.logger.warn({ err: error, platform: message.platform, room: message.room.id }, 'could not redact a sensitive message');
      }
    }
    const text = removed
      ? `I removed your message because it contained a password, and did nothing with it. ${where}`
      : `⚠️ I could not remove your message (${reason}): your password is visible to everyone in this room. Change your password now, then ${where.charAt(0).toLowerCase()}${where.slice(1)}`;
    return new StatsError('direct_only', `sensitive ${command.name} seen in a shared room (removed: ${removed})`, text);
  }

  async #fail(error: unknown, command: Command, message: IncomingMessage, adapter: ChatAdapter, note?: string): Promise<string> {
    if (error instanceof Silent) return 'rate_limited';
    const logger = this.#shared.logger;
    const stats = error instanceof StatsError ? error : undefined;
    const code = stats?.code ?? 'internal';
    this.#metrics.commandErrors.inc({ code });
    let text = stats?.userMessage ?? 'Something went wrong.';
    const where = { command: command.name, platform: message.platform, room: message.room.id, code };
    if (stats === undefined || WITH_ERROR_ID.has(code)) {
      const errorId = randomBytes(4).toString('hex');
      logger.error({ ...where, err: error, errorId }, 'command failed');
      text = `${text} (error id ${errorId})`;
      this.#onError?.(error, { command: command.name, errorId, message });
    } else {
      logger.debug({ ...where }, 'command refused');
    }
    try {
      await adapter.reply(message, withNote(textDocument(text, 'error'), note), command.private ? PRIVATE : PUBLIC);
    } catch (replyError) {
      // An adapter that gives up a send because the platform rate-limits it counts and logs that
      // itself (once, at stop); one error line per command would flood the log.
      if (replyError instanceof StatsError && replyError.code === 'rate_limited') logger.debug({ ...where, err: replyError }, 'error answer given up (rate-limited)');
      else logger.error({ ...where, err: replyError }, 'could not send the error answer');
    }
    return code === 'internal' ? 'error' : code;
  }

  async #unknown(message: IncomingMessage, adapter: ChatAdapter, name: string): Promise<void> {
    const stats = this.#statsFor('(unknown)', message.platform);
    this.#outcome(stats, '(unknown)', message.platform, 'unknown_command').inc();
    try {
      await adapter.reply(message, textDocument(unknownCommandText(name, this.#registry, this.#shared.settings.prefix)), PUBLIC);
    } catch (error) {
      this.#shared.logger.error({ err: error, platform: message.platform, room: message.room.id }, 'could not answer an unknown command');
    }
  }

  #statsFor(command: string, platform: string): CommandStats {
    let byPlatform = this.#stats.get(command);
    if (byPlatform === undefined) {
      byPlatform = new Map();
      this.#stats.set(command, byPlatform);
    }
    let stats = byPlatform.get(platform);
    if (stats === undefined) {
      stats = {
        ok: this.#metrics.commands.series(command, platform, 'ok'),
        duration: this.#metrics.commandDuration.series(command, platform),
        byOutcome: new Map(),
      };
      byPlatform.set(platform, stats);
    }
    return stats;
  }

  #outcome(stats: CommandStats, command: string, platform: string, outcome: string): CounterSeries {
    let series = stats.byOutcome.get(outcome);
    if (series === undefined) {
      series = this.#metrics.commands.series(command, platform, outcome);
      stats.byOutcome.set(outcome, series);
    }
    return series;
  }
}
