import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { quoteToken, tokenize, tokenizeWithPositions } from './tokenizer.js';

describe('tokenize', () => {
  it.each([
    ['stats', ['stats']],
    ['  stats   today  ', ['stats', 'today']],
    ['silence "disk full" 2h', ['silence', 'disk full', '2h']],
    ["say 'single quoted' end", ['say', 'single quoted', 'end']],
    ['say “smart quotes” end', ['say', 'smart quotes', 'end']],
    ['say „German quotes“ end', ['say', 'German quotes', 'end']],
    ['a\\ b c', ['a b', 'c']],
    ['say "escaped \\" quote"', ['say', 'escaped " quote']],
    ['say "unclosed quote runs on', ['say', 'unclosed quote runs on']],
    ['a""b', ['ab']],
    ['""', ['']],
    ['', []],
    ['tab\tseparated\nlines', ['tab', 'separated', 'lines']],
  ])('splits %j', (input, expected) => {
    expect(tokenize(input)).toEqual(expected);
  });

  it('reports where each token starts, so a command can take the rest of the line', () => {
    const tokens = tokenizeWithPositions('ack  "a b"  the rest');
    expect(tokens.map((t) => t.start)).toEqual([0, 5, 12, 16]);
  });

  it('never throws on 10,000 random inputs', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (input) => {
        const tokens = tokenize(input);
        expect(Array.isArray(tokens)).toBe(true);
      }),
      { numRuns: 10_000 },
    );
  });

  it('gives back quoted arguments unchanged (round trip)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 30 }), { maxLength: 8 }), (args) => {
        expect(tokenize(args.map(quoteToken).join(' '))).toEqual(args);
      }),
      { numRuns: 10_000 },
    );
  });
});
