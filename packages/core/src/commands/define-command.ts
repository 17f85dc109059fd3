import type { Logger } from 'pino';
import type { AdapterCapabilities, IncomingMessage, Platform } from '../chat/index.js';
import type { Document } from '../document/index.js';
import type { Session, SessionService } from '../sessions/index.js';
import type { Sources } from '../sources/index.js';
import type { ArgsShape, InferArgs } from './args.js';

/** What a command may return: a document, plain text, or nothing (it replied itself). */
export type CommandResult = Document | string | undefined | void;

/** Per-bot settings a command may read. */
export interface CommandSettings {
  /** The command prefix, e.g. `!`. */
  readonly prefix: string;
  /** BCP 47 locale for numbers and dates, e.g. `en` or `de`. */
  readonly locale: string;
  /** IANA time zone for dates, e.g. `Europe/Berlin`. */
  readonly timeZone: string;
}

/** Everything a command's `run` gets. */
export interface CommandContext<A, S extends Session | undefined = Session | undefined> {
  readonly message: IncomingMessage;
  /** The validated, typed arguments. */
  readonly args: A;
  /** The user's session: always present for `auth: 'session'` commands. */
  readonly session: S;
  /** Upstream clients; an unconfigured one throws a `config` error naming its variables. */
  readonly sources: Sources;
  /** The session service, when the bot has one. */
  readonly sessions: SessionService | undefined;
  /** A child logger bound to `{ command, platform, room }`. */
  readonly logger: Logger;
  /** Aborted when the command's time budget runs out or the bot shuts down. */
  readonly signal: AbortSignal;
  readonly settings: CommandSettings;
  /** The platform and capabilities of the adapter the message came from. */
  readonly platform: { readonly name: Platform; readonly capabilities: AdapterCapabilities };
  /** The bot's clock (Unix ms); injected so tests control time. Safe to destructure. */
  readonly now: () => number;
  /**
   * Sends an extra message now (progress, multi-part answers); the return value is the final
   * answer. Safe to destructure.
   */
  readonly reply: (doc: Document | string) => Promise<void>;
}

/** Limits how often one user may run commands. */
export interface RateLimitSpec {
  /** How many commands in a burst. */
  readonly capacity: number;
  /** Tokens refilled per second. */
  readonly refillPerSecond: number;
}

/** The declaration of a command; see {@link defineCommand}. */
export interface CommandSpec<S extends ArgsShape, Auth extends 'public' | 'session'> {
  /** The name typed after the prefix: lower-case letters, digits, `-` and `_`. */
  readonly name: string;
  readonly aliases?: readonly string[];
  /** One line for `!help`. */
  readonly summary: string;
  /** The usage line; generated from `args` when omitted. */
  readonly usage?: string;
  /** A longer text for `!help <command>`. */
  readonly description?: string;
  /** Groups commands in `!help` (e.g. `Analytics`, `Infrastructure`, `Account`). */
  readonly category?: string;
  /** Declared arguments in positional order. */
  readonly args?: S;
  /** `session`: the user must be logged in (default `public`). */
  readonly auth?: Auth;
  /** `direct-only`: refused in shared rooms (default `anywhere`). */
  readonly where?: 'anywhere' | 'direct-only';
  /**
   * The message carries a secret: in a shared room it is removed at once and never processed;
   * in a direct room (with arguments) it is removed as well where the platform lets the bot,
   * and the answer says whether it was.
   */
  readonly sensitive?: boolean;
  /** Answers are for the sender only, where the platform can (ephemeral). */
  readonly private?: boolean;
  /** The time budget in ms (default: the bot's, 15 000). */
  readonly timeoutMs?: number;
  /** Per-user rate limit; `false` disables it for this command. */
  readonly rateLimit?: RateLimitSpec | false;
  /** Left out of `!help` listings. */
  readonly hidden?: boolean;
  /** The work. */
  readonly run: (
    ctx: CommandContext<InferArgs<S>, Auth extends 'session' ? Session : Session | undefined>,
  ) => CommandResult | Promise<CommandResult>;
}

/** A defined command, ready for the registry. */
export interface Command {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly summary: string;
  readonly usage: string;
  readonly description: string | undefined;
  readonly category: string;
  readonly args: ArgsShape;
  readonly argNames: readonly string[];
  readonly auth: 'public' | 'session';
  readonly where: 'anywhere' | 'direct-only';
  readonly sensitive: boolean;
  readonly private: boolean;
  readonly timeoutMs: number | undefined;
  readonly rateLimit: RateLimitSpec | false | undefined;
  readonly hidden: boolean;
  readonly run: (ctx: CommandContext<Record<string, unknown>>) => CommandResult | Promise<CommandResult>;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/**
 * Builds the usage line from the declared arguments: `<required> [optional] [days=7] <rest…>`
 * (a default is shown after `=`).
 */
export function usageFromArgs(name: string, args: ArgsShape): string {
  const parts = Object.entries(args).map(([argName, spec]) => {
    const label = spec.rest ? `${argName}…` : argName;
    if (spec.required) return `<${label}>`;
    return spec.defaultValue === undefined ? `[${label}]` : `[${label}=${String(spec.defaultValue)}]`;
  });
  return [name, ...parts].join(' ');
}

/**
 * Declares a command: its name, help texts, typed arguments, guards and the work.
 *
 * @throws TypeError when the name, an alias or the argument order is invalid.
 * @example
 * export const dice = defineCommand({
 *   name: 'dice',
 *   summary: 'Rolls dice',
 *   args: { count: arg.integer('how many', { min: 1, max: 20 }), sides: arg.integer('sides', { min: 2 }).default(6) },
 *   run: ({ args }) => `You rolled ${roll(args.count, args.sides)}`,
 * });
 */
export function defineCommand<
  const S extends ArgsShape = Record<never, never>,
  const Auth extends 'public' | 'session' = 'public',
>(spec: CommandSpec<S, Auth>): Command {
  if (!NAME.test(spec.name)) {
    throw new TypeError(
      `Command name "${spec.name}" must be 1-32 lower-case letters, digits, "-" or "_", starting with a letter or digit`,
    );
  }
  for (const alias of spec.aliases ?? []) {
    if (!NAME.test(alias)) throw new TypeError(`Alias "${alias}" of command "${spec.name}" must match ${NAME.source}`);
  }
  const args: ArgsShape = spec.args ?? {};
  const entries = Object.entries(args);
  entries.forEach(([argName, argSpec], i) => {
    if (argSpec.rest && i !== entries.length - 1) {
      throw new TypeError(`Argument "${argName}" of "${spec.name}" takes the rest of the line and must come last`);
    }
    const next = entries[i + 1];
    if (!argSpec.required && next?.[1].required) {
      throw new TypeError(`Required argument "${next[0]}" of "${spec.name}" cannot follow optional "${argName}"`);
    }
  });
  if (spec.summary.length === 0 || spec.summary.length > 100) {
    throw new TypeError(`Summary of "${spec.name}" must be 1-100 characters (it becomes a Discord description)`);
  }
  return {
    name: spec.name,
    aliases: spec.aliases ?? [],
    summary: spec.summary,
    usage: spec.usage ?? usageFromArgs(spec.name, args),
    description: spec.description,
    category: spec.category ?? 'General',
    args,
    argNames: entries.map(([n]) => n),
    auth: spec.auth ?? 'public',
    where: spec.where ?? 'anywhere',
    sensitive: spec.sensitive ?? false,
    private: spec.private ?? spec.auth === 'session',
    timeoutMs: spec.timeoutMs,
    rateLimit: spec.rateLimit,
    hidden: spec.hidden ?? false,
    run: spec.run as Command['run'],
  };
}
