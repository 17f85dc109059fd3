import { describe, expect, it } from 'vitest';
import { EntityParseError, commandEntities, parseTelegramHtml } from './telegram-html.js';

describe('parseTelegramHtml', () => {
  it('returns the plain text and UTF-16 entity offsets', () => {
    const parsed = parseTelegramHtml('📈 <b>Visitors</b> &amp; <a href="https://x.test/?a=1&amp;b=2">site</a>');
    expect(parsed.text).toBe('📈 Visitors & site');
    expect(parsed.entities).toEqual([
      { type: 'bold', offset: 3, length: 8 },
      { type: 'text_link', offset: 14, length: 4, url: 'https://x.test/?a=1&b=2' },
    ]);
  });

  it('keeps pre with a language and expandable blockquotes', () => {
    const parsed = parseTelegramHtml(
      '<pre><code class="language-ts">a &lt; b</code></pre><blockquote expandable>q</blockquote>',
    );
    expect(parsed.text).toBe('a < bq');
    expect(parsed.entities).toEqual([
      { type: 'pre', offset: 0, length: 5, language: 'ts' },
      { type: 'expandable_blockquote', offset: 5, length: 1 },
    ]);
  });

  it.each([
    ['an unknown tag', 'a<br>b', 'Unsupported start tag "br"'],
    ['a paragraph', '<p>x</p>', 'Unsupported start tag "p"'],
    ['a stray <', '1 < 2', 'must be escaped'],
    ['an unclosed tag', '<b>x', "Can't find end tag"],
    ['crossed tags', '<b><i>x</b></i>', 'Unmatched end tag'],
    ['a span without the spoiler class', '<span>x</span>', 'tg-spoiler'],
    ['an attribute without a value', '<a href>x</a>', 'equal sign'],
    ['bold inside code', '<code><b>x</b></code>', 'nested'],
    ['nested blockquotes', '<blockquote><blockquote>x</blockquote></blockquote>', 'nested'],
  ])('refuses %s', (_name, html, message) => {
    expect(() => parseTelegramHtml(html)).toThrow(EntityParseError);
    expect(() => parseTelegramHtml(html)).toThrow(message);
  });

  it('leaves a bare & and > and unknown entities literal, and decodes &lt without ;', () => {
    expect(parseTelegramHtml('a & b > c &nbsp; &lt d').text).toBe('a & b > c &nbsp; < d');
  });
});

describe('commandEntities', () => {
  it('marks /command and /command@bot at offset 0 only', () => {
    expect(commandEntities('/stats@stats_bot week')).toEqual([{ type: 'bot_command', offset: 0, length: 16 }]);
    expect(commandEntities('/today')).toEqual([{ type: 'bot_command', offset: 0, length: 6 }]);
    expect(commandEntities('hello /today')).toEqual([]);
  });
});
