import { describe, expect, it } from 'vitest';
import { stripLeadingMention } from './mentions.js';

describe('stripLeadingMention', () => {
  it('strips an id followed by a space, a separator or nothing', () => {
    expect(stripLeadingMention('@stats:hs today', ['@stats:hs'])).toBe('today');
    expect(stripLeadingMention('@stats:hs: today', ['@stats:hs'])).toBe('today');
    expect(stripLeadingMention('  <@123>, uptime api', ['<@123>'])).toBe('uptime api');
    expect(stripLeadingMention('@stats_bot', ['@stats_bot'])).toBe('');
  });

  it('does not take a longer id that starts with the name', () => {
    expect(stripLeadingMention('@stats_botty hi', ['@stats_bot'])).toBeUndefined();
    expect(stripLeadingMention('@stats:hs.example hi', ['@stats:hs'])).toBeUndefined();
  });

  it('needs the separator a client inserts after a display name, so chatter stays chatter', () => {
    expect(stripLeadingMention('Stats: today', ['Stats'])).toBe('today');
    expect(stripLeadingMention('stats, week', ['Stats'])).toBe('week');
    expect(stripLeadingMention('stats are up', ['Stats'])).toBeUndefined();
    expect(stripLeadingMention('Stats: today', ['Stats:'])).toBe('today');
    expect(stripLeadingMention('Statsbot: today', ['Stats:'])).toBeUndefined();
  });

  it('treats a display name with pattern characters as a display name, matched literally', () => {
    expect(stripLeadingMention('Stats (prod): today', ['Stats (prod)'])).toBe('today');
    expect(stripLeadingMention('Stats (prod) is down again', ['Stats (prod)'])).toBeUndefined();
    expect(stripLeadingMention('C++ Bot*: ping', ['C++ Bot*'])).toBe('ping');
    expect(stripLeadingMention('CCC Bot: ping', ['C+ Bot'])).toBeUndefined();
    expect(stripLeadingMention('a.b: ping', ['a.b'])).toBe('ping');
    expect(stripLeadingMention('axb: ping', ['a.b'])).toBeUndefined();
    expect(stripLeadingMention('Stats 🤖 is here', ['Stats 🤖'])).toBeUndefined();
    expect(stripLeadingMention('stats 🤖: help', ['Stats 🤖'])).toBe('help');
  });

  it('folds case by code point, so a letter whose lower case is longer does not shift the cut', () => {
    // 'İ'.toLowerCase() is two code units ('i' + U+0307): the cut must still fall after the name.
    expect(stripLeadingMention('İstatistik: bugün', ['İstatistik'])).toBe('bugün');
    expect(stripLeadingMention('İSTATİSTİK, hafta', ['İstatistik'])).toBe('hafta');
    expect(stripLeadingMention('İ: ping', ['İ'])).toBe('ping');
    expect(stripLeadingMention('STRASSE: ping', ['Straße'])).toBe('ping');
    expect(stripLeadingMention('ΟΔΥΣΣΕΥΣ: ping', ['Οδυσσευς'])).toBe('ping');
    expect(stripLeadingMention('@ŞEKER:hs ping', ['@şeker:hs'])).toBe('ping');
  });

  it('with explicit, takes any name followed by a space (a pill)', () => {
    expect(stripLeadingMention('Stats ping', ['@stats:hs', 'Stats'], true)).toBe('ping');
    expect(stripLeadingMention('Statsbot ping', ['Stats'], true)).toBeUndefined();
    expect(stripLeadingMention('İstatistik ping', ['İstatistik'], true)).toBe('ping');
  });

  it('skips missing and blank names', () => {
    expect(stripLeadingMention('hello', [undefined, '', '  '])).toBeUndefined();
    expect(stripLeadingMention('x: y', [undefined, 'x'])).toBe('y');
  });
});
