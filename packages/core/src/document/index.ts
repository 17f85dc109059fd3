export * from './model.js';
export * from './builder.js';
export type * from './renderer.js';
export { escapeHtml, escapeMarkdown, neutralizeMentions, safeHref, sanitizeText } from './escape.js';
export { sparkline } from './sparkline.js';
export { createPlainRenderer, plainRenderer, type PlainRendererOptions } from './plain-text.js';
export { createMatrixRenderer, matrixRenderer, type MatrixRendererOptions } from './matrix-html.js';
export { createTelegramRenderer, telegramRenderer, type TelegramRendererOptions } from './telegram-html.js';
export { createDiscordRenderer, discordRenderer, DISCORD_LIMITS, TONE_COLORS } from './discord.js';
// The hostile corpus and the markup checkers are test fixtures (`./fixtures`, exported by
// `@stats/core/testing`), so importing documents never loads them.
