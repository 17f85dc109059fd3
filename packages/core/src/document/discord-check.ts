/**
 * Checks of a rendered Discord message for the renderer tests (and adapters' tests): every
 * limit of content and embeds, balanced code fences, no live mention, no link to an unsafe
 * target.
 */
import { DISCORD_LIMITS } from './discord.js';
import type { DiscordMessage } from './renderer.js';

const LIVE_MENTION = /@(?:everyone|here)|<@[!&]?\d+>|<#\d+>/i;
const UNSAFE_LINK = /\]\((?!https?:\/\/|mailto:)/;

/** Problems of one piece of markdown (content, description, field value). */
export function checkMarkdown(text: string, where: string): string[] {
  const problems: string[] = [];
  if ((text.match(/```/g) ?? []).length % 2 !== 0) problems.push(`${where}: unbalanced code fence`);
  const mention = LIVE_MENTION.exec(text);
  if (mention) problems.push(`${where}: live mention ${mention[0]}`);
  // Escaped characters, code blocks and spans show their text as is: a link there is inert.
  const outsideCode = text
    .replace(/\\[^\n]/g, '')
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`[^`]*`/g, '');
  if (UNSAFE_LINK.test(outsideCode)) problems.push(`${where}: link to an unsafe target`);
  return problems;
}

/** Problems of one Discord message (empty when it is within every limit and inert). */
export function checkDiscordMessage(message: DiscordMessage): string[] {
  const problems: string[] = [];
  const limit = (what: string, value: string | undefined, max: number, markdown = true): void => {
    if (value === undefined) return;
    if (value.length > max) problems.push(`${what} is ${value.length} > ${max}`);
    if (markdown) problems.push(...checkMarkdown(value, what));
    else if (LIVE_MENTION.test(value)) problems.push(`${what}: live mention`);
  };
  limit('content', message.content, DISCORD_LIMITS.content);
  const embeds = message.embeds ?? [];
  if (embeds.length > DISCORD_LIMITS.embedsPerMessage) problems.push(`${embeds.length} embeds`);
  if (message.content === undefined && embeds.length === 0) problems.push('neither content nor embeds');
  let total = 0;
  embeds.forEach((embed, e) => {
    limit(`embed ${e} title`, embed.title, DISCORD_LIMITS.title);
    limit(`embed ${e} description`, embed.description, DISCORD_LIMITS.description);
    // Footers show no markdown: only their length and mentions matter.
    limit(`embed ${e} footer`, embed.footer?.text, DISCORD_LIMITS.footer, false);
    const fields = embed.fields ?? [];
    if (fields.length > DISCORD_LIMITS.fields) problems.push(`embed ${e} has ${fields.length} fields`);
    fields.forEach((f, i) => {
      limit(`embed ${e} field ${i} name`, f.name, DISCORD_LIMITS.fieldName);
      limit(`embed ${e} field ${i} value`, f.value, DISCORD_LIMITS.fieldValue);
      if (f.name.length === 0 || f.value.length === 0) problems.push(`embed ${e} field ${i} is empty`);
      total += f.name.length + f.value.length;
    });
    total += (embed.title?.length ?? 0) + (embed.description?.length ?? 0) + (embed.footer?.text.length ?? 0);
  });
  if (total > DISCORD_LIMITS.embedTotal) problems.push(`embed text totals ${total} > ${DISCORD_LIMITS.embedTotal}`);
  return problems;
}
