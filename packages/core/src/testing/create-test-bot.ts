import { createBot, type Bot, type BotOptions } from '../bot.js';
import type { Document } from '../document/index.js';
import { createMemoryAdapter, type DeliverOptions, type MemoryAdapter, type MemoryAdapterOptions, type SentRecord } from './memory-adapter.js';

/** The answer to one message. */
export interface TestReply {
  /** The plain-text rendering of the first answer. */
  readonly plain: string;
  readonly document: Document;
  readonly ephemeral: boolean;
  /** Every message sent while the message was handled (progress, multi-part answers). */
  readonly all: readonly SentRecord[];
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
 * const { say } = await createTestBot({ commands: [dice] });
 * expect((await say('!dice 2d6')).plain).toMatch(/You rolled/);
 */
export async function createTestBot(options: TestBotOptions = {}): Promise<TestBot> {
  const adapter = createMemoryAdapter(options.adapter);
  const bot = createBot({ http: false, rateLimit: false, ...options, adapters: [adapter] });
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
    async say(text, deliverOptions) {
      const all = await sayAll(text, deliverOptions);
      const first = all[0];
      if (first === undefined) throw new Error(`the bot did not answer ${JSON.stringify(text.slice(0, 40))}`);
      return { plain: first.plain, document: first.document, ephemeral: first.ephemeral, all };
    },
    stop: () => bot.stop(),
  };
}
