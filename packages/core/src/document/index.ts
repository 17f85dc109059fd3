export * from './model.js';
export * from './builder.js';
export type * from './renderer.js';
export { escapeHtml, escapeMarkdown, neutralizeMentions, safeHref, sanitizeText } from './escape.js';
export { sparkline } from './sparkline.js';
export { createPlainRenderer, plainRenderer, type PlainRendererOptions } from './plain-text.js';
export { createMatrixRenderer, matrixRenderer, type MatrixRendererOptions } from './matrix-html.js';
export { createTelegramRenderer, telegramRenderer, type TelegramRendererOptions } from './telegram-html.js';
export { createDiscordRenderer, discordRenderer, DISCORD_LIMITS, TONE_COLORS } from './discord.js';
export {
  bigString,
  bigTable,
  hostileBlocks,
  hostileCorpus,
  hostileDocuments,
  hostileHrefs,
  type HostileCase,
} from './hostile-corpus.js';
export { checkHtml, MATRIX_HTML_RULES, TELEGRAM_HTML_RULES, type HtmlRules } from './html-check.js';
export { checkDiscordMessage, checkMarkdown } from './discord-check.js';
