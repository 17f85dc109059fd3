/**
 * Hostile input shared by the renderer tests and the adapters' tests: strings that try to
 * inject markup, mentions or invisible characters, and documents that place each of them in
 * every spot a document has, plus documents far over every platform limit.
 */
import type { Block, Document } from './model.js';

/** One hostile string and what it attacks. */
export interface HostileCase {
  readonly name: string;
  readonly text: string;
}

/** Strings that must come out of every renderer as inert, escaped data. */
export const hostileCorpus: readonly HostileCase[] = [
  { name: 'script tag', text: '<script>alert(1)</script>' },
  { name: 'img onerror', text: '<img src=x onerror=alert(1)>' },
  { name: 'closing pre and code', text: '</pre></code></b><b>' },
  { name: 'entity literals', text: '&amp; &lt; &gt; &#39; &quot; &nbsp; &' },
  { name: 'quotes', text: `"double" and 'single' "><a href="x">` },
  { name: 'javascript href text', text: 'javascript:alert(document.cookie)' },
  { name: 'markdown bold', text: '**x** __y__ ~~z~~ ||spoiler||' },
  { name: 'markdown fence', text: '```\ncode\n``` ````' },
  { name: 'markdown link', text: '[x](javascript:alert(1)) [y](https://evil.example)' },
  { name: 'markdown line starts', text: '# heading\n> quote\n- item\n1. first\n-# subtext' },
  { name: 'everyone', text: '@everyone look' },
  { name: 'here', text: 'hey @here' },
  { name: 'matrix room mention', text: '@room wake up, @ROOM' },
  { name: 'user and role mentions', text: '<@123456789012345678> <@!123> <@&456> <#789>' },
  { name: 'zero-width', text: 'a\u200bb\u200cc\u2060d\ufeffe' },
  { name: 'rtl override', text: 'evil\u202egnp.exe \u2066isolate\u2069 \u202a\u202b\u202c\u202d' },
  { name: 'ansi escapes', text: '\u001b[31mred\u001b[0m \u001b]0;title\u0007 \u009b1m' },
  { name: 'control characters', text: 'bell\u0007 nul\u0000 del\u007f c1\u0085 cr\r\nnext' },
  { name: 'emoji and cjk', text: '👩‍👩‍👧 家族 📈 数据 🇩🇪' },
  { name: 'lone surrogate', text: 'broken \ud800 pair' },
];

/** Hrefs a link may carry; only the http(s)/mailto ones may become links. */
export const hostileHrefs: readonly string[] = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  ' javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'https://example.org/"onmouseover="alert(1)',
  "https://example.org/'><script>",
  'https://example.org/a)b(c',
  '//evil.example/x',
  'mailto:a@example.org',
];

/** A 100 kB string of words (with hostile pieces among them). */
export function bigString(bytes = 100_000): string {
  const words = ['alpha', '<b>', 'beta&', '@everyone', '**x**', '数据', '👩‍👩‍👧', 'gamma'];
  let out = '';
  for (let i = 0; out.length < bytes; i++) out += `${words[i % words.length]} `;
  return out;
}

/** A table of about 100 kB: many rows of hostile cells. */
export function bigTable(rows = 2000): Block {
  return {
    type: 'table',
    columns: ['page <i>', 'views', 'who @here'],
    rows: Array.from({ length: rows }, (_, i) => [`/p/${i}?q=<script>&x="y"`, String(i * 7), `<@${i}> 家族`]),
    align: ['left', 'right', 'left'],
  };
}

/** Every block type, with `s` in every string position. */
export function hostileBlocks(s: string): Block[] {
  return [
    { type: 'heading', text: s, level: 1 },
    { type: 'text', content: s },
    { type: 'text', content: [s, { kind: 'bold', text: s }, { kind: 'italic', text: s }, { kind: 'code', text: s }] },
    { type: 'text', content: [{ kind: 'link', text: s, href: 'https://example.org/?q=1' }] },
    {
      type: 'fields',
      fields: [
        { label: s, value: s },
        { label: 'v', value: [{ kind: 'bold', text: s }], inline: true },
      ],
    },
    {
      type: 'table',
      columns: [s, 'n'],
      rows: [
        [s, '1'],
        ['x', s],
      ],
    },
    { type: 'list', items: [s, [{ kind: 'code', text: s }]], ordered: false },
    { type: 'list', items: [s], ordered: true },
    { type: 'code', text: s, language: s },
    { type: 'chart', chart: { kind: 'line', title: s, series: [] }, fallback: s },
    { type: 'divider' },
    { type: 'footer', text: s },
  ];
}

/** Named documents built from the corpus, the hrefs and the 100 kB inputs. */
export function hostileDocuments(): { readonly name: string; readonly doc: Document }[] {
  const docs: { name: string; doc: Document }[] = hostileCorpus.map((c) => ({
    name: c.name,
    doc: { blocks: hostileBlocks(c.text), tone: 'warning' },
  }));
  docs.push({
    name: 'hostile hrefs',
    doc: {
      blocks: hostileHrefs.map((href): Block => ({
        type: 'text',
        content: [{ kind: 'link', text: `link ${href}`, href }],
      })),
    },
  });
  docs.push({
    name: 'plain paragraph: every corpus string',
    doc: { blocks: [{ type: 'text', content: hostileCorpus.map((c) => c.text).join('\n') }] },
  });
  docs.push({ name: '100 kB string', doc: { blocks: [{ type: 'text', content: bigString() }] } });
  docs.push({ name: '30 kB string in every block', doc: { blocks: hostileBlocks(bigString(30_000)) } });
  docs.push({
    name: '100 kB table',
    doc: { blocks: [{ type: 'heading', text: 'Pages', level: 2 }, bigTable(), { type: 'footer', text: 'Umami' }] },
  });
  docs.push({
    name: '100 kB code line',
    doc: { blocks: [{ type: 'code', text: 'x'.repeat(100_000), language: 'ts' }] },
  });
  return docs;
}
