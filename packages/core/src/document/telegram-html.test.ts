import { describe, expect, it } from 'vitest';
import { bold, code, document, italic, link } from './builder.js';
import { checkHtml, TELEGRAM_HTML_RULES } from './fixtures/index.js';
import type { Block } from './model.js';
import { createTelegramRenderer, telegramRenderer } from './telegram-html.js';

describe('telegramRenderer', () => {
  it.each<[string, Block, string]>([
    ['a heading in bold', { type: 'heading', text: 'Today <b>', level: 1 }, '<b>Today &lt;b&gt;</b>'],
    [
      'a paragraph with emphasis and a link',
      { type: 'text', content: ['a\nb ', bold('B'), italic('I'), code('C'), link('site', "https://e.org/?q='x'&y")] },
      'a\nb <b>B</b><i>I</i><code>C</code><a href="https://e.org/?q=%27x%27&amp;y">site</a>',
    ],
    ['an unsafe link as text', { type: 'text', content: [link('x', 'data:text/html,hi')] }, 'x'],
    [
      'fields',
      {
        type: 'fields',
        fields: [
          { label: 'Views', value: '3' },
          { label: 'Up', value: 'yes' },
        ],
      },
      '<b>Views:</b> 3\n<b>Up:</b> yes',
    ],
    [
      'a table in pre',
      { type: 'table', columns: ['k', 'v'], rows: [['<a>', '1']], align: ['left', 'right'] },
      '<pre>k    v\n───  ─\n&lt;a&gt;  1</pre>',
    ],
    ['a bullet list', { type: 'list', items: ['a', [bold('b')]], ordered: false }, '• a\n• <b>b</b>'],
    ['an ordered list', { type: 'list', items: ['a', 'b'], ordered: true }, '1. a\n2. b'],
    [
      'code with a language',
      { type: 'code', text: 'if (a < b) {}', language: 'ts' },
      '<pre><code class="language-ts">if (a &lt; b) {}</code></pre>',
    ],
    ['code without a language', { type: 'code', text: '</pre>' }, '<pre>&lt;/pre&gt;</pre>'],
    [
      'a chart as its fallback',
      { type: 'chart', chart: { kind: 'bar', title: 't', series: [] }, fallback: '▁▂' },
      '<pre>▁▂</pre>',
    ],
    ['a divider', { type: 'divider' }, '──────────'],
    ['a footer in italics', { type: 'footer', text: 'Umami' }, '<i>Umami</i>'],
  ])('renders %s', (_, block, expected) => {
    expect(telegramRenderer.render({ blocks: [block] })).toEqual([expected]);
    expect(checkHtml(expected, TELEGRAM_HTML_RULES)).toEqual([]);
  });

  it('uses no tag Telegram refuses', () => {
    const doc = document()
      .heading('H')
      .text('a\nb')
      .list(['x'])
      .table(['a'], [['b']])
      .divider()
      .footer('f');
    expect(telegramRenderer.render(doc)[0]).not.toMatch(/<(br|p|ul|ol|li|h\d|hr|table|div|span)\b/);
  });

  it('splits at 4,096 characters, re-opening pre in every piece of a long code block', () => {
    const lines = Array.from({ length: 2000 }, (_, i) => `line ${i} <&>`);
    const out = telegramRenderer.render(document().heading('Log').code(lines.join('\n'), 'log'));
    expect(out.length).toBeGreaterThan(5);
    for (const m of out) {
      expect(m.length).toBeLessThanOrEqual(4096);
      expect(checkHtml(m, TELEGRAM_HTML_RULES)).toEqual([]);
    }
    expect(out[0]?.startsWith('<b>Log</b>\n\n<pre><code class="language-log">line 0 &lt;&amp;&gt;\n')).toBe(true);
    expect(out.slice(1).every((m) => m.startsWith('<pre><code class="language-log">line '))).toBe(true);
    expect(out.join('\n').match(/line \d+/g)).toHaveLength(2000);
  });

  it('fills each message with as many table rows as fit, starting right after the heading', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => [`/page/${i}`, String(i)]);
    const out = telegramRenderer.render(document().heading('Pages').table(['page', 'views'], rows));
    expect(out[0]?.startsWith('<b>Pages</b>\n\n<pre>page')).toBe(true);
    for (const m of out.slice(0, -1)) expect(m.length).toBeGreaterThan(4096 * 0.95);
    expect(out.join('\n').match(/\/page\/\d+/g)).toHaveLength(1000);
  });

  it('honours a smaller maxLength', () => {
    const renderer = createTelegramRenderer({ maxLength: 100 });
    for (const m of renderer.render(document().text('word '.repeat(200)))) expect(m.length).toBeLessThanOrEqual(100);
  });
});
