import { describe, expect, it } from 'vitest';
import { escapeHtml, escapeMarkdown, neutralizeMentions, safeHref, sanitizeText } from './escape.js';

describe('sanitizeText', () => {
  it.each([
    ['plain ASCII', 'pong', 'pong'],
    ['tabs and newlines', 'a\tb\nc', 'a\tb\nc'],
    ['C0 controls and CR', 'a\u0000b\u0007c\r\nd', 'abc\nd'],
    ['DEL and C1 controls', 'a\u007fb\u0085c\u0090d', 'abcd'],
    ['C1 CSI sequence', 'a\u009b1mb', 'ab'],
    ['ANSI colour', '\u001b[31mred\u001b[0m', 'red'],
    ['ANSI OSC title', '\u001b]0;title\u0007text', 'text'],
    ['ANSI cursor with parameters', '\u001b[2J\u001b[1;1Hx', 'x'],
    ['bidi overrides and isolates', 'a\u202ab\u202bc\u202cd\u202de\u202ef\u2066g\u2067h\u2068i\u2069j', 'abcdefghij'],
    ['zero-width characters', 'a\u200bb\u200cc\u2060d\ufeffe', 'abcde'],
    ['zero-width joiner kept', '👩‍👩‍👧', '👩‍👩‍👧'],
    ['CJK and flags kept', '家族 🇩🇪', '家族 🇩🇪'],
    ['lone surrogates replaced', 'a\ud800b\udc00c', 'a\ufffdb\ufffdc'],
    ['no-break space kept', 'a\u00a0b', 'a\u00a0b'],
  ])('%s', (_, input, expected) => {
    expect(sanitizeText(input)).toBe(expected);
  });

  it('returns the very same string when nothing needs removing', () => {
    const text = 'Visitors today: 1,204 — 家族 👩‍👩‍👧';
    expect(sanitizeText(text)).toBe(text);
  });
});

describe('escapeHtml', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    [`"double" 'single'`, '&quot;double&quot; &#39;single&#39;'],
    ['&amp; &lt;', '&amp;amp; &amp;lt;'],
    ['plain', 'plain'],
  ])('escapes %j', (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

describe('escapeMarkdown', () => {
  it.each([
    ['**bold** __u__ ~~s~~ ||spoiler||', '\\*\\*bold\\*\\* \\_\\_u\\_\\_ \\~\\~s\\~\\~ \\|\\|spoiler\\|\\|'],
    ['```fence```', '\\`\\`\\`fence\\`\\`\\`'],
    ['[x](javascript:alert(1))', '\\[x\\](javascript:alert(1))'],
    ['back\\slash', 'back\\\\slash'],
    ['# h\n> q\n- i\n+ j\n1. n\n-# sub', '\\# h\n\\> q\n\\- i\n\\+ j\n1\\. n\n\\-# sub'],
    ['a - b # c > d 1. e', 'a - b # c > d 1. e'],
  ])('escapes %j', (input, expected) => {
    expect(escapeMarkdown(input)).toBe(expected);
  });
});

describe('neutralizeMentions', () => {
  it.each([
    ['@everyone', '@\u200beveryone'],
    ['hi @HERE', 'hi @\u200bHERE'],
    ['<@123>', '<\u200b@123>'],
    ['<@!123>', '<\u200b@!123>'],
    ['<@&456>', '<\u200b@&456>'],
    ['<#789>', '<\u200b#789>'],
    ['mail a@example.org', 'mail a@example.org'],
  ])('neutralises %j', (input, expected) => {
    expect(neutralizeMentions(input)).toBe(expected);
  });
});

describe('safeHref', () => {
  it.each([
    ['https://example.org/a b', 'https://example.org/a%20b'],
    ['http://example.org', 'http://example.org/'],
    ['mailto:a@example.org', 'mailto:a@example.org'],
    ['https://example.org/"x"', 'https://example.org/%22x%22'],
    ['javascript:alert(1)', undefined],
    ['JAVASCRIPT:alert(1)', undefined],
    [' javascript:alert(1)', undefined],
    ['java\u0000script:alert(1)', undefined],
    ['data:text/html,<script>', undefined],
    ['vbscript:x', undefined],
    ['//evil.example', undefined],
    ['/relative', undefined],
    ['', undefined],
  ])('%j → %j', (input, expected) => {
    expect(safeHref(input)).toBe(expected);
  });
});
