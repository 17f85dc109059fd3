import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.js';
import { targetsFromConfig } from './targets.js';

describe('targetsFromConfig', () => {
  const config = loadConfig({
    MATRIX_REPORT_ROOM_ID: '!ops:example.org',
    TELEGRAM_REPORT_CHAT_ID: '-1001234',
    REPORT_TARGETS: 'discord:123456,matrix:!ops:example.org,matrix:!other:example.org#America/New_York',
  });

  it('reads the report room of each platform, then REPORT_TARGETS, each room once', () => {
    expect(targetsFromConfig(config)).toEqual([
      { platform: 'matrix', roomId: '!ops:example.org' },
      { platform: 'telegram', roomId: '-1001234' },
      { platform: 'discord', roomId: '123456' },
      { platform: 'matrix', roomId: '!other:example.org', timeZone: 'America/New_York' },
    ]);
  });

  it('ignores the report room of a platform the bot does not serve, keeps REPORT_TARGETS as written', () => {
    expect(targetsFromConfig(config, new Set(['telegram']))).toEqual([
      { platform: 'telegram', roomId: '-1001234' },
      { platform: 'discord', roomId: '123456' },
      { platform: 'matrix', roomId: '!ops:example.org' },
      { platform: 'matrix', roomId: '!other:example.org', timeZone: 'America/New_York' },
    ]);
  });

  it('names REPORT_TARGETS when an entry is malformed', () => {
    expect(() => targetsFromConfig(loadConfig({ REPORT_TARGETS: 'nowhere' }))).toThrow(
      expect.objectContaining({ variables: ['REPORT_TARGETS'] }),
    );
  });
});
