import { describe, expect, it } from 'vitest';
import { bold, code, document, italic, link, textDocument } from './builder.js';
import { checkDiscordMessage } from './fixtures/index.js';
import { DISCORD_LIMITS, discordRenderer, TONE_COLORS } from './discord.js';
import type { Block } from './model.js';

describe('discordRenderer: content', () => {
  it.each<[string, Block, string]>([
    ['a paragraph', { type: 'text', content: 'pong' }, 'pong'],
    [
      'emphasis, code and a link',
      {
        type: 'text',
        content: [bold('b*'), ' ', italic('i_'), ' ', code('c'), ' ', link('site [x]', 'https://e.org/a(b)')],
      },
      '**b\\***  _i\\__ `c` [site \\[x\\]](https://e.org/a%28b%29)',
    ],
    [
      'an unsafe link as escaped text',
      { type: 'text', content: [link('[x](y)', 'javascript:alert(1)')] },
      '\\[x\\](y)',
    ],
    ['a code span holding a backtick as escaped text', { type: 'text', content: [code('a`b')] }, 'a\\`b'],
    [
      'markdown in data escaped',
      { type: 'text', content: '# not a heading\n> nor a quote\n**x** ~~y~~ ||z||' },
      '\\# not a heading\n\\> nor a quote\n\\*\\*x\\*\\* \\~\\~y\\~\\~ \\|\\|z\\|\\|',
    ],
    [
      'mentions neutralised',
      { type: 'text', content: '@everyone @here <@1> <@!2> <@&3> <#4>' },
      '@\u200beveryone @\u200bhere <\u200b@1> <\u200b@!2> <\u200b@&3> <\u200b#4>',
    ],
    [
      'a mention made of two pieces',
      { type: 'text', content: ['<@', '123>', ' @every', 'one'] },
      '<\u200b@123> @\u200beveryone',
    ],
    ['a list', { type: 'list', items: ['a', 'b'], ordered: true }, '1. a\n2. b'],
    [
      'code in a fence that data cannot close',
      { type: 'code', text: 'x\n```\n@everyone', language: 'js' },
      '```js\nx\n`\u200b`\u200b`\n@\u200beveryone\n```',
    ],
    [
      'a chart in a fence',
      { type: 'chart', chart: { kind: 'line', title: 't', series: [] }, fallback: '▁█' },
      '```\n▁█\n```',
    ],
    ['a divider', { type: 'divider' }, '──────────'],
    ['a footer as subtext', { type: 'footer', text: 'Umami' }, '-# Umami'],
  ])('renders %s', (_, block, expected) => {
    const out = discordRenderer.render({ blocks: [block] });
    expect(out).toEqual([{ content: expected.replace('**  _', '** _') }]);
    expect(checkDiscordMessage(out[0] ?? {})).toEqual([]);
  });

  it('splits content at 2,000 characters at block boundaries', () => {
    const doc = document();
    for (let i = 0; i < 30; i++) doc.text(`${i} ${'word '.repeat(30)}`);
    const out = discordRenderer.render(doc);
    expect(out.length).toBeGreaterThan(1);
    for (const m of out) expect(m.content?.length).toBeLessThanOrEqual(DISCORD_LIMITS.content);
    expect(
      out
        .map((m) => m.content)
        .join('\n\n')
        .split('\n\n'),
    ).toHaveLength(30);
  });

  it('re-opens the fence in every piece of a long code block', () => {
    const out = discordRenderer.render(
      document().code(Array.from({ length: 500 }, (_, i) => `line ${i}`).join('\n'), 'txt'),
    );
    expect(out.length).toBeGreaterThan(1);
    for (const m of out) {
      expect(m.content).toMatch(/^```txt\n[\s\S]*\n```$/);
      expect(checkDiscordMessage(m)).toEqual([]);
    }
  });
});

describe('discordRenderer: embeds', () => {
  it('turns a structured document into an embed with title, description, fields, footer and colour', () => {
    const doc = document()
      .withTone('error')
      .heading('Today')
      .text('All *good*')
      .fields([{ label: 'Views', value: '3', inline: true }])
      .footer('Umami *1* @here');
    expect(discordRenderer.render(doc)).toEqual([
      {
        embeds: [
          {
            title: 'Today',
            description: 'All \\*good\\*',
            color: TONE_COLORS.error,
            fields: [{ name: 'Views', value: '3', inline: true }],
            footer: { text: 'Umami *1* @\u200bhere' },
          },
        ],
      },
    ]);
  });

  it('puts a table in the description as a code block', () => {
    const out = discordRenderer.render(document().table(['k', 'v'], [['a', '1']]));
    expect(out).toEqual([{ embeds: [{ description: '```\nk  v\n─  ─\na  1\n```' }] }]);
  });

  it('opens a new embed for each heading and for text after fields', () => {
    const doc = document()
      .heading('A')
      .fields([{ label: 'x', value: '1' }])
      .text('after')
      .heading('B')
      .text('b');
    const embeds = discordRenderer.render(doc)[0]?.embeds ?? [];
    expect(embeds.map((e) => [e.title, e.description, e.fields?.length])).toEqual([
      ['A', undefined, 1],
      [undefined, 'after', undefined],
      ['B', 'b', undefined],
    ]);
  });

  it('keeps every embed limit with huge titles, many fields and long values', () => {
    const fields = Array.from({ length: 80 }, (_, i) => ({
      label: `field ${i} ${'n'.repeat(300)}`,
      value: `v${i} ${'word '.repeat(300)}`,
    }));
    const doc = document().heading('T'.repeat(1000)).fields(fields).text('d '.repeat(9000)).footer('f'.repeat(5000));
    const out = discordRenderer.render(doc);
    expect(out.length).toBeGreaterThan(3);
    for (const m of out) expect(checkDiscordMessage(m)).toEqual([]);
    const embeds = out.flatMap((m) => m.embeds ?? []);
    expect(embeds[0]?.title).toHaveLength(DISCORD_LIMITS.title);
    expect(embeds[0]?.title?.endsWith('…')).toBe(true);
    const names = embeds.flatMap((e) => e.fields ?? []).map((f) => f.name);
    expect(names.filter((n) => n.startsWith('field 0 ')).length).toBeGreaterThan(1);
    expect(names.some((n) => n.endsWith('(cont.)') || n.endsWith('…'))).toBe(true);
  });

  it('sends no more than ten embeds per message', () => {
    const doc = document();
    for (let i = 0; i < 25; i++) doc.heading(`H${i}`).fields([{ label: 'k', value: 'v' }]);
    const out = discordRenderer.render(doc);
    expect(out.map((m) => m.embeds?.length)).toEqual([10, 10, 5]);
  });

  it('renders a plain paragraph as content, not as an embed', () => {
    expect(discordRenderer.render(textDocument('pong', 'success'))).toEqual([{ content: 'pong' }]);
  });
});
