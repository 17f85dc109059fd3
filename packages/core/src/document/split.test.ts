import { describe, expect, it } from 'vitest';
import type { Block } from './model.js';
import { chunkBlocks, codePointLength, splitBlock, splitText, type ChunkTarget } from './split.js';

describe('splitText', () => {
  it.each([
    ['at the space nearest the middle', 'alpha beta gamma delta', ['alpha beta ', 'gamma delta']],
    ['at a line break before a space', 'one two\nthree four', ['one two\n', 'three four']],
    ['in the middle of one long word', 'abcdefgh', ['abcd', 'efgh']],
    ['between the halves of a surrogate pair never', '😀😀😀', ['😀😀', '😀']],
  ])('cuts %s', (_, text, expected) => {
    expect(splitText(text)).toEqual(expected);
  });

  it.each([[''], ['x'], ['😀']])('cannot cut %j', (text) => {
    expect(splitText(text)).toBeUndefined();
  });
});

describe('splitBlock', () => {
  it.each<[string, Block, Block[] | undefined]>([
    [
      'a heading in two headings',
      { type: 'heading', text: 'aa bb', level: 1 },
      [
        { type: 'heading', text: 'aa ', level: 1 },
        { type: 'heading', text: 'bb', level: 1 },
      ],
    ],
    [
      'a paragraph between its pieces',
      { type: 'text', content: ['a', 'b', 'c'] },
      [
        { type: 'text', content: ['a'] },
        { type: 'text', content: ['b', 'c'] },
      ],
    ],
    [
      'bold text keeping its emphasis',
      { type: 'text', content: [{ kind: 'bold', text: 'ab' }] },
      [
        { type: 'text', content: [{ kind: 'bold', text: 'a' }] },
        { type: 'text', content: [{ kind: 'bold', text: 'b' }] },
      ],
    ],
    [
      'a link into text that keeps its target',
      { type: 'text', content: [{ kind: 'link', text: 'x', href: 'https://e.org' }] },
      [
        { type: 'text', content: 'x' },
        { type: 'text', content: ' <https://e.org>' },
      ],
    ],
    [
      'code between lines',
      { type: 'code', text: 'a\nb\nc\nd', language: 'ts' },
      [
        { type: 'code', text: 'a\nb', language: 'ts' },
        { type: 'code', text: 'c\nd', language: 'ts' },
      ],
    ],
    [
      'an ordered list keeping its numbering',
      { type: 'list', items: ['a', 'b', 'c'], ordered: true },
      [
        { type: 'list', items: ['a'], ordered: true },
        { type: 'list', items: ['b', 'c'], ordered: true, start: 2 },
      ],
    ],
    [
      'a table repeating its header',
      {
        type: 'table',
        columns: ['k', 'v'],
        rows: [
          ['a', '1'],
          ['b', '2'],
        ],
      },
      [
        { type: 'table', columns: ['k', 'v'], rows: [['a', '1']] },
        { type: 'table', columns: ['k', 'v'], rows: [['b', '2']] },
      ],
    ],
    [
      'a one-row table into fields',
      { type: 'table', columns: ['k', 'v'], rows: [['a', '1']] },
      [
        {
          type: 'fields',
          fields: [
            { label: 'k', value: 'a' },
            { label: 'v', value: '1' },
          ],
        },
      ],
    ],
    [
      'one field into a paragraph',
      { type: 'fields', fields: [{ label: 'L', value: 'v' }] },
      [{ type: 'text', content: [{ kind: 'bold', text: 'L:' }, ' ', 'v'] }],
    ],
    [
      'a chart fallback between lines',
      { type: 'chart', chart: { kind: 'bar', title: 't', series: [] }, fallback: 'a\nb' },
      [
        { type: 'chart', chart: { kind: 'bar', title: 't', series: [] }, fallback: 'a' },
        { type: 'chart', chart: { kind: 'bar', title: 't', series: [] }, fallback: 'b' },
      ],
    ],
    ['a divider never', { type: 'divider' }, undefined],
  ])('cuts %s', (_, block, expected) => {
    expect(splitBlock(block)).toEqual(expected);
  });
});

describe('chunkBlocks', () => {
  const target: ChunkTarget<string> = {
    limit: 10,
    separatorSize: 1,
    render: (b) => (b.type === 'text' && typeof b.content === 'string' ? b.content : b.type),
    size: (s) => s.length,
  };
  const text = (content: string): Block => ({ type: 'text', content });

  it('packs blocks greedily and counts the separator', () => {
    expect(chunkBlocks([text('aaaa'), text('bbbbb'), text('cc')], target)).toEqual([['aaaa', 'bbbbb'], ['cc']]);
  });

  it('splits a block larger than a whole message', () => {
    const groups = chunkBlocks([text('aaaaaaaaaaaaaaaaaaaaaaaa')], target);
    expect(groups.flat().join('')).toBe('aaaaaaaaaaaaaaaaaaaaaaaa');
    for (const g of groups) expect(g.join(' ').length).toBeLessThanOrEqual(10);
  });

  it('fills what is left of a message with the first rows of a table too large for one', () => {
    const table: Block = {
      type: 'table',
      columns: ['c'],
      rows: Array.from({ length: 12 }, (_, i) => [String(i % 10)]),
    };
    const rows: ChunkTarget<string> = {
      limit: 10,
      separatorSize: 1,
      render: (b) => (b.type === 'table' ? b.rows.map((r) => r[0]).join('') : 'xxxx'),
      size: (s) => s.length,
    };
    expect(chunkBlocks([text('xxxx'), table], rows)).toEqual([['xxxx', '01234'], ['5678901']]);
  });

  it('returns one empty group for an empty document', () => {
    expect(chunkBlocks([], target)).toEqual([[]]);
  });
});

describe('codePointLength', () => {
  it.each([
    ['abc', 3],
    ['家族', 2],
    ['😀x', 2],
    ['', 0],
  ])('%j has %i code points', (text, n) => {
    expect(codePointLength(text)).toBe(n);
  });
});
