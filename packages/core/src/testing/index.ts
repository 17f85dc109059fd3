/**
 * `@stats/core/testing`: test a command without a chat server. `createTestBot` runs a bot on an
 * in-memory adapter; the hostile corpus and the markup checkers prove a renderer or an adapter
 * escapes everything it is given.
 *
 * @packageDocumentation
 */

// ── A bot in memory ──────────────────────────────────────────────────────────────────────────────
export { createTestBot, type TestBot, type TestBotOptions, type TestReply } from './create-test-bot.js';
export {
  createMemoryAdapter,
  type DeliverOptions,
  MemoryAdapter,
  type MemoryAdapterOptions,
  type SentRecord,
  type TypingRecord,
} from './memory-adapter.js';

// ── Hostile input and markup checkers ────────────────────────────────────────────────────────────
// From the document fixtures' own face, not the document barrel: the library never loads them.
export {
  hostileCorpus,
  hostileHrefs,
  hostileBlocks,
  hostileDocuments,
  bigString,
  bigTable,
  checkHtml,
  checkMarkdown,
  checkDiscordMessage,
  MATRIX_HTML_RULES,
  TELEGRAM_HTML_RULES,
  type HostileCase,
  type HtmlRules,
} from '../document/fixtures/index.js';
