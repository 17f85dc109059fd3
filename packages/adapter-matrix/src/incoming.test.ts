import { describe, expect, it } from 'vitest';
import { commandText, mentionsBot, sentAt, stripReplyFallback, withoutLeadingMention } from './incoming.js';

const bot = { userId: '@stats:example.org', displayName: 'Stats' };

describe('incoming Matrix messages', () => {
  it('strips a reply fallback and keeps the typed text', () => {
    expect(stripReplyFallback('> <@a:hs> !ping\n> second line\n\nthanks')).toBe('thanks');
    expect(stripReplyFallback('!ping')).toBe('!ping');
  });

  it('reads commands from m.text replies without the quoted command', () => {
    const event = {
      type: 'm.room.message',
      content: {
        msgtype: 'm.text',
        body: '> <@a:hs> !ping\n\n!today',
        'm.relates_to': { 'm.in_reply_to': { event_id: '$x' } },
      },
    };
    expect(commandText(event)).toBe('!today');
  });

  it('never reads notices, images or other event types as commands', () => {
    expect(commandText({ type: 'm.room.message', content: { msgtype: 'm.notice', body: '!ping' } })).toBeUndefined();
    expect(commandText({ type: 'm.room.message', content: { msgtype: 'm.image', body: '!ping' } })).toBeUndefined();
    expect(commandText({ type: 'm.sticker', content: { body: '!ping' } })).toBeUndefined();
  });

  it('sees the bot mentioned by m.mentions, a matrix.to pill, its id or a leading display name', () => {
    expect(mentionsBot({ 'm.mentions': { user_ids: ['@stats:example.org'] } }, 'hey', bot)).toBe(true);
    expect(
      mentionsBot(
        { formatted_body: '<a href="https://matrix.to/#/%40stats%3Aexample.org">Stats</a> today' },
        'Stats today',
        bot,
      ),
    ).toBe(true);
    expect(mentionsBot({}, 'ask @stats:example.org', bot)).toBe(true);
    expect(mentionsBot({}, 'stats: today', bot)).toBe(true);
    expect(mentionsBot({}, 'show me the statistics', bot)).toBe(false);
    expect(mentionsBot({}, 'stats are up again', bot)).toBe(false);
    expect(mentionsBot({ 'm.mentions': { user_ids: ['@other:example.org'] } }, 'today', bot)).toBe(false);
  });

  it('dates an event by the homeserver age when given, else by origin_server_ts', () => {
    expect(sentAt({ unsigned: { age: 1000 }, origin_server_ts: 1 }, 10_000)).toBe(9000);
    expect(sentAt({ origin_server_ts: 1234 }, 10_000)).toBe(1234);
  });

  it('drops the pill text in front of an explicit mention, and only then', () => {
    const pill = { 'm.mentions': { user_ids: ['@stats:example.org'] } };
    expect(withoutLeadingMention(pill, 'Stats ping', bot)).toBe('ping');
    expect(withoutLeadingMention(pill, '@stats:example.org: today', bot)).toBe('today');
    expect(withoutLeadingMention({}, 'Stats ping', bot)).toBe('Stats ping');
  });
});
