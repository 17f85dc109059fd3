import { ConfigError } from '@stats/core';
import { describe, expect, it } from 'vitest';
import { fromEnv } from './from-env.js';

describe('fromEnv (Discord)', () => {
  it('is undefined without DISCORD_TOKEN', () => {
    expect(fromEnv({})).toBeUndefined();
    expect(fromEnv({ DISCORD_GUILD_ID: '1' })).toBeUndefined();
  });

  it('reads the token, application, guild, REST base, intent and allow-lists', () => {
    expect(fromEnv({ DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: '1' })).toEqual({
      token: 't',
      applicationId: '1',
      messageContent: false,
    });
    expect(
      fromEnv({
        DISCORD_TOKEN: 't',
        DISCORD_APPLICATION_ID: '1',
        DISCORD_GUILD_ID: '2',
        DISCORD_API_URL: 'http://127.0.0.1:9999/api/',
        DISCORD_MESSAGE_CONTENT: 'true',
        DISCORD_ALLOWED_GUILDS: '123456789012345678',
        DISCORD_ALLOWED_ROLES: '223456789012345678,323456789012345678',
      }),
    ).toEqual({
      token: 't',
      applicationId: '1',
      guildId: '2',
      apiUrl: 'http://127.0.0.1:9999/api',
      messageContent: true,
      allow: { guilds: ['123456789012345678'], roles: ['223456789012345678', '323456789012345678'] },
    });
  });

  it('names each bad or missing variable, never a value', () => {
    const bad = { DISCORD_TOKEN: 'secret-token', DISCORD_MESSAGE_CONTENT: 'sometimes', DISCORD_ALLOWED_ROLES: 'ops' };
    expect(() => fromEnv(bad)).toThrow(
      expect.objectContaining({
        variables: ['DISCORD_MESSAGE_CONTENT', 'DISCORD_ALLOWED_ROLES', 'DISCORD_APPLICATION_ID'],
      }),
    );
    expect(() => fromEnv(bad)).toThrow(ConfigError);
    expect(() => fromEnv(bad)).toThrow('DISCORD_APPLICATION_ID is required when DISCORD_TOKEN is set');
    expect(() => fromEnv(bad)).not.toThrow(/secret-token|sometimes|ops\b/);
    // An application id without its token would silently mean no Discord at all: refused instead.
    expect(() => fromEnv({ DISCORD_APPLICATION_ID: '123' })).toThrow(
      expect.objectContaining({ variables: ['DISCORD_TOKEN'] }),
    );
    expect(() => fromEnv({ DISCORD_APPLICATION_ID: '123' })).toThrow(
      'DISCORD_TOKEN is required when DISCORD_APPLICATION_ID is set',
    );
  });
});
