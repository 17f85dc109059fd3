import { createBot, type Bot, type BotOptions } from '../bot.js';
import type { CommandErrorHandler } from '../commands/index.js';
import type { Document } from '../document/index.js';
import {
  createMemoryAdapter,
  type DeliverOptions,
  type MemoryAdapter,
  type MemoryAdapterOptions,
  type SentRecord,
} from './memory-adapter.js';

/** The answer to one message. */
export interface TestReply {
  /** The plain-text rendering of the first answer. */
  readonly plain: string;
  readonly document: Document;
  readonly ephemeral: boolean;
  /** Every message sent while the message was handled (progress, multi-part answers). */
  readonly all: readonly SentRecord[];
  /**
   * What the command threw when the answer was "Something went wrong (error id …)": the real
   * error with its stack, so a failing test shows the bug, not only the chat's apology.
   */
  readonly error: unknown;
}

/** A started bot on an in-memory adapter. */
export interface TestBot {
  readonly bot: Bot;
  readonly adapter: MemoryAdapter;
  /**
   * Sends `text` as a user (default: `@alice` in a direct room) and resolves with the answer.
   * @throws Error when the bot sent no answer.
   */
  say(text: string, options?: DeliverOptions): Promise<TestReply>;
  /** Every error a command threw that was not the user's fault, in order (also printed to stderr). */
  readonly errors: readonly unknown[];
  /** Like `say`, but resolves with every message sent (possibly none). */
  sayAll(text: string, options?: DeliverOptions): Promise<readonly SentRecord[]>;
  /** Stops the bot. */
  stop(): Promise<void>;
}

/** Options of {@link createTestBot}: any bot option, plus the in-memory adapter's. */
export type TestBotOptions = Omit<BotOptions, 'adapters'> & { readonly adapter?: MemoryAdapterOptions };

/**
 * A bot on an in-memory adapter, started, without an HTTP server unless asked for — so a
 * command writer tests a command in a few lines.
 *
 * @example
 * import { expect } from 'vitest';
 * const { say } = await createTestBot({ commands: [dice] });
 * expect((await say('!dice 2d6')).plain).toMatch(/You rolled/);
 */
export async function createTestBot(options: TestBotOptions = {}): Promise<TestBot> {
  const adapter = createMemoryAdapter(options.adapter);
  const errors: unknown[] = [];
  const onError: CommandErrorHandler = (error, info) => {
    errors.push(error);
    options.onError?.(error, info);
  };
  const bot = createBot({ http: false, rateLimit: false, ...options, onError, adapters: [adapter] });
  await bot.start();
  const sayAll = async (text: string, deliverOptions?: DeliverOptions): Promise<readonly SentRecord[]> => {
    const before = adapter.sent.length;
    await adapter.deliver(text, deliverOptions);
    return adapter.sent.slice(before);
  };
  return {
    bot,
    adapter,
    sayAll,
    errors,
    async say(text, deliverOptions) {
      const errorsBefore = errors.length;
      const all = await sayAll(text, deliverOptions);
      const first = all[0];
      const error: unknown = errors[errorsBefore];
      if (first === undefined) {
        throw new Error(
          `the bot did not answer ${JSON.stringify(text.slice(0, 40))}`,
          error === undefined ? undefined : { cause: error },
        );
      }
      return { plain: first.plain, document: first.document, ephemeral: first.ephemeral, all, error };
    },
    stop: () => bot.stop(),
  };
}
