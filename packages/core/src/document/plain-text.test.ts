import { describe, expect, it } from 'vitest';
import { bold, code, document, italic, link, textDocument } from './builder.js';
import type { Block } from './model.js';
import { createPlainRenderer, plainRenderer, plainTable } from './plain-text.js';

describe('plainRenderer', () => {
  it.each<[string, Block, string]>([
    ['a heading', { type: 'heading', text: 'Today\nnow', level: 1 }, 'Today now'],
    [
      'a paragraph with emphasis and a link',
      {
        type: 'text',
        content: ['Visitors ', bold('12'), ' ', italic('up'), ' ', code('x'), ' ', link('site', 'https://e.org/p')],
      },
      'Visitors 12 up x site (https://e.org/p)',
    ],
    ['a link to its own address', { type: 'text', content: [link('https://e.org', 'https://e.org')] }, 'https://e.org'],
    ['an unsafe link as its text', { type: 'text', content: [link('click', 'javascript:alert(1)')] }, 'click'],
    [
      'fields',
      {
        type: 'fields',
        fields: [
          { label: 'Views', value: '3' },
          { label: 'Bounce', value: [bold('40%')] },
        ],
      },
      'Views: 3\nBounce: 40%',
    ],
    [
      'a table aligned by code points',
      {
        type: 'table',
        columns: ['page', 'n'],
        rows: [
          ['家族', '7'],
          ['/about', '12'],
        ],
        align: ['left', 'right'],
      },
      'page     n\n──────  ──\n家族       7\n/about  12',
    ],
    ['a bullet list', { type: 'list', items: ['a', 'b'], ordered: false }, '• a\n• b'],
    ['an ordered list from its start', { type: 'list', items: ['a', 'b'], ordered: true, start: 9 }, '9. a\n10. b'],
    ['code as is', { type: 'code', text: '  x < 1\n  y', language: 'ts' }, '  x < 1\n  y'],
    [
      'a chart as its fallback',
      { type: 'chart', chart: { kind: 'line', title: 't', series: [] }, fallback: 'cpu ▁▅█' },
      'cpu ▁▅█',
    ],
    ['a divider', { type: 'divider' }, '──────────'],
    ['a footer', { type: 'footer', text: 'Umami · 09:00' }, 'Umami · 09:00'],
  ])('renders %s', (_, block, expected) => {
    expect(plainRenderer.render({ blocks: [block] })).toEqual([expected]);
  });

  it('separates blocks by a blank line', () => {
    expect(plainRenderer.render(document().heading('Uptime').text('all up').footer('now'))).toEqual([
      'Uptime\n\nall up\n\nnow',
    ]);
  });

  it('returns one empty message for an empty document', () => {
    expect(plainRenderer.render({ blocks: [] })).toEqual(['']);
  });

  it('returns a short plain paragraph as the very same string', () => {
    const text = 'pong';
    const [out] = plainRenderer.render(textDocument(text));
    expect(out).toBe(text);
  });

  it('sanitises a short paragraph on the fast path too', () => {
    expect(plainRenderer.render(textDocument('po\u001b[31mng\u202e'))).toEqual(['pong']);
  });

  it('splits at block boundaries within maxLength', () => {
    const renderer = createPlainRenderer({ maxLength: 100 });
    const doc = document().text('a'.repeat(60)).text('b'.repeat(60)).text('c'.repeat(30));
    expect(renderer.render(doc)).toEqual(['a'.repeat(60), `${'b'.repeat(60)}\n\n${'c'.repeat(30)}`]);
  });

  it('splits a long table into tables that repeat the header', () => {
    const renderer = createPlainRenderer({ maxLength: 80 });
    const rows = Array.from({ length: 20 }, (_, i) => [`row${i}`, String(i)]);
    const out = renderer.render(document().table(['name', 'value'], rows));
    expect(out.length).toBeGreaterThan(2);
    for (const m of out) {
      expect(m.length).toBeLessThanOrEqual(80);
      expect(m).toMatch(/^name +value\n─+ +─+\nrow/);
    }
    expect(out.join('\n').match(/row\d+/g)).toEqual(rows.map((r) => r[0]));
  });

  it('refuses a maxLength too small to hold a block', () => {
    expect(() => createPlainRenderer({ maxLength: 10 })).toThrow(/at least 64/);
  });
});

describe('plainTable', () => {
  it('fills missing cells and keeps cells on one line', () => {
    expect(plainTable(['a', 'b'], [['x\ny'], ['1', '2']])).toBe('a    b\n───  ─\nx y\n1    2');
  });
});
