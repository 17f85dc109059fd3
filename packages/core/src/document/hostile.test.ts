import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDiscordMessage } from './fixtures/index.js';
import { discordRenderer } from './discord.js';
import { bigString, bigTable, hostileCorpus, hostileDocuments, hostileHrefs } from './fixtures/index.js';
import { checkHtml, MATRIX_HTML_RULES, TELEGRAM_HTML_RULES } from './fixtures/index.js';
import { createMatrixRenderer, jsonBytes, matrixRenderer } from './matrix-html.js';
import type { Block, Document, Inline, InlineContent } from './model.js';
import { createPlainRenderer, plainRenderer } from './plain-text.js';
import { createTelegramRenderer, telegramRenderer } from './telegram-html.js';

/** What sanitizeText removes; none of it may reach any output. */
const UNSAFE_CHARS =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200c\u202a-\u202e\u2060\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function matrixProblems(messages: readonly { body: string; formatted_body: string }[], maxBytes: number): string[] {
  return messages.flatMap((m, i) => [
    ...checkHtml(m.formatted_body, MATRIX_HTML_RULES).map((p) => `message ${i}: ${p}`),
    ...(jsonBytes(m.body) + jsonBytes(m.formatted_body) > maxBytes ? [`message ${i} over ${maxBytes} bytes`] : []),
    ...(UNSAFE_CHARS.test(m.body + m.formatted_body) || /\u200b(?!room)/i.test(m.body + m.formatted_body)
      ? [`message ${i} unsanitised`]
      : []),
    ...(/@room/i.test(m.body) ? [`message ${i} mentions @room`] : []),
  ]);
}

function telegramProblems(messages: readonly string[], maxLength: number): string[] {
  return messages.flatMap((m, i) => [
    ...checkHtml(m, TELEGRAM_HTML_RULES).map((p) => `message ${i}: ${p}`),
    ...(m.length > maxLength ? [`message ${i} is ${m.length} > ${maxLength}`] : []),
    ...(UNSAFE_CHARS.test(m) || /\u200b/.test(m) ? [`message ${i} unsanitised`] : []),
  ]);
}

function plainProblems(messages: readonly string[], maxLength: number): string[] {
  return messages.flatMap((m, i) => [
    ...(m.length > maxLength ? [`message ${i} is ${m.length} > ${maxLength}`] : []),
    ...(UNSAFE_CHARS.test(m) || /\u200b/.test(m) ? [`message ${i} unsanitised`] : []),
  ]);
}

function discordProblems(messages: readonly Parameters<typeof checkDiscordMessage>[0][]): string[] {
  return messages.flatMap((m, i) => [
    ...checkDiscordMessage(m).map((p) => `message ${i}: ${p}`),
    ...(UNSAFE_CHARS.test(JSON.stringify(m).replace(/\\u[0-9a-f]{4}/g, '')) ? [`message ${i} unsanitised`] : []),
  ]);
}

describe('the hostile corpus', () => {
  const docs = hostileDocuments();

  it.each(docs)('renders $name as well-formed, inert Matrix HTML within 60,000 bytes', ({ doc }) => {
    const out = matrixRenderer.render(doc);
    expect(out.length).toBeGreaterThan(0);
    expect(matrixProblems(out, 60_000)).toEqual([]);
    for (const m of out)
      expect(m.formatted_body).not.toMatch(/<(script|img|font|strike|nl)\b|href="(javascript|data):/i);
  });

  it.each(docs)('renders $name as well-formed Telegram HTML within 4,096 characters', ({ doc }) => {
    const out = telegramRenderer.render(doc);
    expect(out.length).toBeGreaterThan(0);
    expect(telegramProblems(out, 4096)).toEqual([]);
    for (const m of out) expect(m).not.toMatch(/<(script|img|br|p|ul|li|h1)\b|href="(javascript|data):/i);
  });

  it.each(docs)('renders $name as inert Discord messages within every limit', ({ doc }) => {
    const out = discordRenderer.render(doc);
    expect(out.length).toBeGreaterThan(0);
    expect(discordProblems(out)).toEqual([]);
  });

  it.each(docs)('renders $name as sanitised plain text within 4,000 characters', ({ doc }) => {
    const out = plainRenderer.render(doc);
    expect(out.length).toBeGreaterThan(0);
    expect(plainProblems(out, 4000)).toEqual([]);
  });

  it('links only the http, https and mailto hrefs', () => {
    const doc: Document = {
      blocks: hostileHrefs.map((href): Block => ({ type: 'text', content: [{ kind: 'link', text: 'x', href }] })),
    };
    const html = matrixRenderer.render(doc)[0]?.formatted_body ?? '';
    const hrefs = [...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]);
    expect(hrefs).toEqual([
      'https://example.org/%22onmouseover=%22alert(1)',
      'https://example.org/&#39;%3E%3Cscript%3E',
      'https://example.org/a)b(c',
      'mailto:a@example.org',
    ]);
    const discord = discordRenderer.render(doc)[0]?.content ?? '';
    expect([...discord.matchAll(/\]\(([^)]*)\)/g)].map((m) => m[1])).toEqual([
      'https://example.org/%22onmouseover=%22alert%281%29',
      "https://example.org/'%3E%3Cscript%3E",
      'https://example.org/a%29b%28c',
      'mailto:a@example.org',
    ]);
  });

  it('keeps every word of a 100 kB paragraph across the split plain messages', () => {
    const text = bigString();
    const out = plainRenderer.render({ blocks: [{ type: 'text', content: text }] });
    expect(out.length).toBeGreaterThan(20);
    expect(out.join(' ').split(/\s+/).filter(Boolean)).toEqual(text.split(/\s+/).filter(Boolean));
  });

  it('repeats the header in every Telegram and Matrix piece of a 100 kB table', () => {
    const doc: Document = { blocks: [bigTable()] };
    const telegram = telegramRenderer.render(doc);
    expect(telegram.length).toBeGreaterThan(10);
    for (const m of telegram) expect(m.startsWith('<pre>page &lt;i&gt;')).toBe(true);
    const matrix = matrixRenderer.render(doc);
    expect(matrix.length).toBeGreaterThan(1);
    for (const m of matrix) expect(m.formatted_body.startsWith('<table><thead><tr><th>page &lt;i&gt;</th>')).toBe(true);
    const discord = discordRenderer.render(doc).flatMap((m) => m.embeds ?? []);
    for (const e of discord) expect(e.description?.startsWith('```\npage <i>')).toBe(true);
  });

  it('neutralises every mention in Discord output', () => {
    const out = JSON.stringify(
      discordRenderer.render({ blocks: hostileCorpus.map((c): Block => ({ type: 'text', content: c.text })) }),
    );
    expect(out).not.toMatch(/@(everyone|here)|<@[!&]?\d|<#\d/);
  });
});

const hostileText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 60 }),
  fc.constantFrom(...hostileCorpus.map((c) => c.text)),
  fc.string({ unit: fc.constantFrom('a', ' ', '\n', '<', '&', '`', '*', '@', '家', '👩‍👩‍👧'), maxLength: 600 }),
);
const inline: fc.Arbitrary<Inline> = fc.oneof(
  hostileText,
  fc.record({ kind: fc.constantFrom('bold' as const, 'italic' as const, 'code' as const), text: hostileText }),
  fc.record({
    kind: fc.constant('link' as const),
    text: hostileText,
    href: fc.oneof(fc.constantFrom(...hostileHrefs), fc.webUrl()),
  }),
);
const content: fc.Arbitrary<InlineContent> = fc.oneof(hostileText, fc.array(inline, { maxLength: 5 }));
const block: fc.Arbitrary<Block> = fc.oneof(
  fc.record({
    type: fc.constant('heading' as const),
    text: hostileText,
    level: fc.constantFrom(1 as const, 2 as const, 3 as const),
  }),
  fc.record({ type: fc.constant('text' as const), content }),
  fc.record({
    type: fc.constant('fields' as const),
    fields: fc.array(fc.record({ label: hostileText, value: content, inline: fc.boolean() }), { maxLength: 30 }),
  }),
  fc.record({
    type: fc.constant('table' as const),
    columns: fc.array(hostileText, { minLength: 1, maxLength: 4 }),
    rows: fc.array(fc.array(hostileText, { maxLength: 4 }), { maxLength: 30 }),
  }),
  fc.record({ type: fc.constant('list' as const), items: fc.array(content, { maxLength: 12 }), ordered: fc.boolean() }),
  fc.record({ type: fc.constant('code' as const), text: hostileText, language: hostileText }),
  fc.record({
    type: fc.constant('chart' as const),
    chart: fc.constant({ kind: 'line' as const, title: 't', series: [] }),
    fallback: hostileText,
  }),
  fc.constant({ type: 'divider' as const }),
  fc.record({ type: fc.constant('footer' as const), text: hostileText }),
);
const documents: fc.Arbitrary<Document> = fc.record({
  blocks: fc.array(block, { maxLength: 12 }),
  tone: fc.constantFrom('info' as const, 'success' as const, 'warning' as const, 'error' as const, undefined),
});

describe('random documents', () => {
  const matrix = createMatrixRenderer({ maxBytes: 1024 });
  const telegram = createTelegramRenderer({ maxLength: 300 });
  const plain = createPlainRenderer({ maxLength: 200 });

  it('never produce a chunk over the limit or a malformed chunk', () => {
    fc.assert(
      fc.property(documents, (doc) => {
        expect(matrixProblems(matrix.render(doc), 1024)).toEqual([]);
        expect(telegramProblems(telegram.render(doc), 300)).toEqual([]);
        expect(plainProblems(plain.render(doc), 200)).toEqual([]);
        expect(discordProblems(discordRenderer.render(doc))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
