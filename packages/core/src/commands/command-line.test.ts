import { describe, expect, it } from 'vitest';
import type { IncomingMessage } from '../chat/index.js';
import { parseCommandLine } from './command-line.js';

function message(text: string, extra: Partial<IncomingMessage> = {}): IncomingMessage {
  return {
    platform: 'memory',
    id: '1',
    room: { platform: 'memory', id: 'r' },
    sender: { platform: 'memory', id: 'u' },
    text,
    isDirect: false,
    receivedAt: 0,
    ...extra,
  };
}

describe('parseCommandLine', () => {
  it('finds a command after the prefix, lower-cased, with its arguments', () => {
    expect(parseCommandLine(message('!STATS today  extra'), '!', [])).toEqual({
      name: 'stats',
      argText: 'today  extra',
      explicit: true,
    });
  });

  it('honours a configured prefix', () => {
    expect(parseCommandLine(message('.help'), '.', [])?.name).toBe('help');
    expect(parseCommandLine(message('!help'), '.', [])).toBeUndefined();
  });

  it('ignores chatter in a shared room', () => {
    expect(parseCommandLine(message('stats are great'), '!', [])).toBeUndefined();
    expect(parseCommandLine(message('!'), '!', [])).toBeUndefined();
    expect(parseCommandLine(message('!!!'), '!', [])).toBeUndefined();
  });

  it('takes a mention of the bot at the start as the prefix', () => {
    expect(parseCommandLine(message('@stats:example.org: today'), '!', ['@stats:example.org'])).toMatchObject({
      name: 'today',
      explicit: true,
    });
    expect(parseCommandLine(message('StatsBot, !week'), '!', ['statsbot'])).toMatchObject({
      name: 'week',
      explicit: true,
    });
    expect(parseCommandLine(message('@stats:example.org'), '!', ['@stats:example.org'])).toMatchObject({
      name: 'help',
    });
    expect(parseCommandLine(message('statsbotx today'), '!', ['statsbot'])).toBeUndefined();
    expect(parseCommandLine(message('stats are up again'), '!', ['stats'])).toBeUndefined();
    expect(parseCommandLine(message('@statsbot today'), '!', ['@statsbot'])).toMatchObject({
      name: 'today',
      explicit: true,
    });
    expect(parseCommandLine(message('<@42> today'), '!', ['<@42>'])).toMatchObject({ name: 'today', explicit: true });
    expect(parseCommandLine(message('Stats: today'), '!', ['Stats:'])).toMatchObject({ name: 'today', explicit: true });
  });

  it('needs no prefix in a direct room', () => {
    expect(parseCommandLine(message('today', { isDirect: true }), '!', [])).toEqual({
      name: 'today',
      argText: '',
      explicit: false,
    });
  });
});
