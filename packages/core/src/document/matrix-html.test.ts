import { describe, expect, it } from 'vitest';
import { bold, code, document, italic, link } from './builder.js';
import { checkHtml, MATRIX_HTML_RULES } from './fixtures/index.js';
import { createMatrixRenderer, jsonBytes, matrixRenderer } from './matrix-html.js';
import type { Block } from './model.js';

describe('matrixRenderer', () => {
  it.each<[string, Block, string, string]>([
    [
      'a heading at its level',
      { type: 'heading', text: 'Today <b>', level: 3 },
      'Today <b>',
      '<h3>Today &lt;b&gt;</h3>',
    ],
    [
      'a paragraph with emphasis and a link',
      { type: 'text', content: ['a\nb ', bold('B'), italic('I'), code('C'), link('site', 'https://e.org/?a=1&b="2"')] },
      'a\nb BICsite (https://e.org/?a=1&b=%222%22)',
      '<p>a<br>b <b>B</b><i>I</i><code>C</code><a href="https://e.org/?a=1&amp;b=%222%22">site</a></p>',
    ],
    ['an unsafe link as text', { type: 'text', content: [link('x', 'javascript:alert(1)')] }, 'x', '<p>x</p>'],
    [
      'fields',
      {
        type: 'fields',
        fields: [
          { label: 'Views', value: '3' },
          { label: 'Up', value: [bold('yes')] },
        ],
      },
      'Views: 3\nUp: yes',
      '<p><strong>Views:</strong> 3<br><strong>Up:</strong> <b>yes</b></p>',
    ],
    [
      'a table',
      { type: 'table', columns: ['k', 'v'], rows: [['a', '1'], ['b']] },
      'k  v\n─  ─\na  1\nb',
      '<table><thead><tr><th>k</th><th>v</th></tr></thead><tbody><tr><td>a</td><td>1</td></tr><tr><td>b</td><td></td></tr></tbody></table>',
    ],
    ['a bullet list', { type: 'list', items: ['a', 'b'], ordered: false }, '• a\n• b', '<ul><li>a</li><li>b</li></ul>'],
    [
      'an ordered list with a start',
      { type: 'list', items: ['a'], ordered: true, start: 4 },
      '4. a',
      '<ol start="4"><li>a</li></ol>',
    ],
    [
      'code with a language',
      { type: 'code', text: 'x < 1', language: 'type"script' },
      'x < 1',
      '<pre><code class="language-typescript">x &lt; 1</code></pre>',
    ],
    [
      'code without a language',
      { type: 'code', text: '</code></pre>' },
      '</code></pre>',
      '<pre><code>&lt;/code&gt;&lt;/pre&gt;</code></pre>',
    ],
    [
      'a chart as its fallback',
      { type: 'chart', chart: { kind: 'line', title: 't', series: [] }, fallback: 'cpu ▁█' },
      'cpu ▁█',
      '<pre><code>cpu ▁█</code></pre>',
    ],
    ['a divider', { type: 'divider' }, '──────────', '<hr>'],
    ['a footer', { type: 'footer', text: 'Umami' }, 'Umami', '<p><em>Umami</em></p>'],
  ])('renders %s', (_, block, body, html) => {
    const out = matrixRenderer.render({ blocks: [block] });
    expect(out).toEqual([{ body, formatted_body: html }]);
    expect(checkHtml(html, MATRIX_HTML_RULES)).toEqual([]);
  });

  it('joins blocks: body with blank lines, HTML directly', () => {
    expect(matrixRenderer.render(document().heading('T').text('x'))).toEqual([
      { body: 'T\n\nx', formatted_body: '<h2>T</h2><p>x</p>' },
    ]);
  });

  it('makes @room in the body inert, leaving the HTML as text', () => {
    expect(matrixRenderer.render(document().text('@room and @Room'))).toEqual([
      { body: '@\u200broom and @\u200bRoom', formatted_body: '<p>@room and @Room</p>' },
    ]);
  });

  it('returns one empty message for an empty document', () => {
    expect(matrixRenderer.render({ blocks: [] })).toEqual([{ body: '', formatted_body: '' }]);
  });

  it('splits so that body and formatted body of each message stay within maxBytes', () => {
    const renderer = createMatrixRenderer({ maxBytes: 2000 });
    const rows = Array.from({ length: 200 }, (_, i) => [`/page/${i}`, `${i} 家`]);
    const out = renderer.render(document().heading('Pages').table(['page', 'views'], rows).footer('Umami'));
    expect(out.length).toBeGreaterThan(5);
    for (const m of out) {
      expect(jsonBytes(m.body) + jsonBytes(m.formatted_body)).toBeLessThanOrEqual(2000);
      expect(checkHtml(m.formatted_body, MATRIX_HTML_RULES)).toEqual([]);
    }
    expect(out[0]?.formatted_body.startsWith('<h2>Pages</h2><table><thead>')).toBe(true);
    expect(
      out
        .slice(1)
        .every(
          (m) =>
            m.formatted_body.startsWith('<table><thead><tr><th>page</th>') ||
            m.formatted_body === '<p><em>Umami</em></p>',
        ),
    ).toBe(true);
    expect(
      out
        .map((m) => m.formatted_body)
        .join('')
        .match(/\/page\/\d+/g),
    ).toHaveLength(200);
  });

  it('keeps a 200 kB document under the 60,000-byte default per message', () => {
    const out = matrixRenderer.render(document().code('x'.repeat(200_000), 'txt'));
    expect(out.length).toBeGreaterThanOrEqual(4);
    for (const m of out) {
      expect(jsonBytes(m.body) + jsonBytes(m.formatted_body)).toBeLessThanOrEqual(60_000);
      expect(m.formatted_body).toMatch(/^<pre><code class="language-txt">x+<\/code><\/pre>$/);
    }
  });

  it('refuses a maxBytes below 1024', () => {
    expect(() => createMatrixRenderer({ maxBytes: 100 })).toThrow(/at least 1024/);
  });
});

describe('jsonBytes', () => {
  it.each([
    '',
    'plain',
    'quote " and \\ backslash',
    'tab\tnew\nline\r\u0008\u000c',
    '\u0000\u001f',
    'é ß',
    '家族 ─',
    '👩‍👩‍👧 🇩🇪',
    'lone \ud800 high',
    'lone \udc00 low',
    '\u007f\u0080',
  ])('counts %j as JSON.stringify and UTF-8 would', (text) => {
    expect(jsonBytes(text)).toBe(Buffer.byteLength(JSON.stringify(text)));
  });
});
