import type { ChatAdapter, IncomingMessage, ReplyOptions } from '../chat/index.js';
import { textDocument } from '../document/index.js';
import type { CounterSeries, HistogramSeries, Metrics } from '../metrics/index.js';
import { parseCommandLine } from './command-line.js';
import { InvocationContext, type ContextShared } from './context.js';
import type { Command, RateLimitSpec } from './define-command.js';
import { defaultGuards } from './guards/index.js';
import { unknownCommandText } from './help.js';
import type { CommandErrorHandler, Guard, Middleware } from './middleware.js';
import type { CommandRegistry } from './registry.js';

/** Options of a {@link Dispatcher}. */
export interface DispatcherOptions {
  readonly registry: CommandRegistry;
  readonly shared: ContextShared;
  readonly metrics: Metrics;
  /** Time budget of a command unless it declares its own, ms. */
  readonly timeoutMs: number;
  /** Per-user rate limit unless a command declares its own; `false` disables it. */
  readonly rateLimit: RateLimitSpec | false;
  /** The bot author's middleware; runs where the `middleware` guard stands in `guards`. */
  readonly middleware?: readonly Middleware[];
  /** The chain every command runs through, outermost first (default {@link defaultGuards}). */
  readonly guards?: readonly Guard[];
  /** Show typing after this many ms of work (default 300). */
  readonly typingDelayMs?: number;
  /** Called with every error that got an error id (not the user's fault), after it was logged. */
  readonly onError?: CommandErrorHandler;
}

const PUBLIC: ReplyOptions = Object.freeze({});

interface CommandStats {
  readonly ok: CounterSeries;
  readonly duration: HistogramSeries;
  readonly byOutcome: Map<string, CounterSeries>;
}

/** A command with its chain, composed once. */
interface Route {
  readonly command: Command;
  readonly steps: readonly Middleware[];
  /** Its metric series by platform (one lookup per message). */
  readonly stats: Map<string, CommandStats>;
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
  readonly #composers: readonly ((command: Command) => Middleware | readonly Middleware[] | undefined)[];
  readonly #routes = new Map<Command, Route>();
  /** Routes by the name or alias typed: one lookup per message (a registry only grows, so a name never changes command). */
  readonly #byName = new Map<string, Route>();
  readonly #stats = new Map<string, Map<string, CommandStats>>();
  readonly #drainWaiters: (() => void)[] = [];
  #inFlight = 0;

  constructor(options: DispatcherOptions) {
    this.#registry = options.registry;
    this.#shared = options.shared;
    this.#metrics = options.metrics;
    const setup = {
      settings: options.shared.settings,
      logger: options.shared.logger,
      metrics: options.metrics,
      now: options.shared.now,
      sessions: options.shared.sessions,
      timeoutMs: options.timeoutMs,
      rateLimit: options.rateLimit,
      typingDelayMs: options.typingDelayMs ?? 300,
      middleware: options.middleware ?? [],
      onError: options.onError,
    };
    this.#composers = (options.guards ?? defaultGuards).map((guard) => guard.setup(setup));
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
      let route: Route | undefined;
      let argText = '';
      if (message.command !== undefined) {
        const name = message.command.name.toLowerCase();
        route = this.#byName.get(name) ?? this.#route(name);
        if (route === undefined) return await this.#unknown(message, adapter, name);
      } else {
        const line = parseCommandLine(message, this.#shared.settings.prefix, mentionNames);
        if (line === undefined) return;
        route = this.#byName.get(line.name) ?? this.#route(line.name);
        if (route === undefined) {
          if (line.explicit || message.isDirect) await this.#unknown(message, adapter, line.name);
          return;
        }
        argText = line.argText;
      }
      const command = route.command;
      const ctx = new InvocationContext(message, command, adapter, this.#shared, argText, route.steps);
      const done = ctx.run();
      if (done !== undefined) {
        try {
          await done;
        } catch (error) {
          if (ctx.recover === undefined) throw error;
          await ctx.recover(ctx, error);
        }
      }
      const stats = route.stats.get(message.platform) ?? this.#routeStats(route, message.platform);
      if (ctx.outcome === 'ok') stats.ok.value++;
      else this.#outcome(stats, command.name, message.platform, ctx.outcome).inc();
      stats.duration.observe((performance.now() - started) / 1000);
    } catch (error) {
      this.#shared.logger.error(
        { err: error, platform: message.platform, room: message.room.id },
        'message handling failed',
      );
    } finally {
      if (--this.#inFlight === 0 && this.#drainWaiters.length > 0)
        for (const resolve of this.#drainWaiters.splice(0)) resolve();
    }
  }

  /** The route of a name or alias the registry knows (undefined for an unknown one), kept by name. */
  #route(name: string): Route | undefined {
    const command = this.#registry.get(name);
    if (command === undefined) return undefined;
    const route = this.#routes.get(command) ?? this.#compose(command);
    this.#byName.set(name, route);
    return route;
  }

  /** The command's chain: each guard's step(s) for it, in order; composed once per command. */
  #compose(command: Command): Route {
    const steps: Middleware[] = [];
    for (const compose of this.#composers) {
      const step = compose(command);
      if (typeof step === 'function') steps.push(step);
      else if (step !== undefined) steps.push(...step);
    }
    const route = { command, steps, stats: new Map<string, CommandStats>() };
    this.#routes.set(command, route);
    return route;
  }

  #routeStats(route: Route, platform: string): CommandStats {
    const stats = this.#statsFor(route.command.name, platform);
    route.stats.set(platform, stats);
    return stats;
  }

  async #unknown(message: IncomingMessage, adapter: ChatAdapter, name: string): Promise<void> {
    const stats = this.#statsFor('(unknown)', message.platform);
    this.#outcome(stats, '(unknown)', message.platform, 'unknown_command').inc();
    try {
      await adapter.reply(
        message,
        textDocument(unknownCommandText(name, this.#registry, this.#shared.settings.prefix)),
        PUBLIC,
      );
    } catch (error) {
      this.#shared.logger.error(
        { err: error, platform: message.platform, room: message.room.id },
        'could not answer an unknown command',
      );
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
