import { ConfigError } from '@stats/core';
import { describe, expect, it } from 'vitest';
import { fromEnv } from './from-env.js';

describe('fromEnv (Matrix)', () => {
  it('is undefined when Matrix is not configured', () => {
    expect(fromEnv({})).toBeUndefined();
    expect(fromEnv({ MATRIX_HOMESERVER_URL: ' ', MATRIX_ACCESS_TOKEN: '' })).toBeUndefined();
  });

  it('reads the homeserver, the token and the allowed inviters', () => {
    expect(
      fromEnv({
        MATRIX_HOMESERVER_URL: 'http://localhost:8008/',
        MATRIX_ACCESS_TOKEN: 'syt_secret',
        MATRIX_ALLOWED_INVITERS: '@ops:example.org, example.org',
      }),
    ).toEqual({
      homeserverUrl: 'http://localhost:8008',
      accessToken: 'syt_secret',
      allowedInviters: ['@ops:example.org', 'example.org'],
    });
    expect(fromEnv({ MATRIX_HOMESERVER_URL: 'https://matrix.example.org', MATRIX_ACCESS_TOKEN: 't' })).toEqual({
      homeserverUrl: 'https://matrix.example.org',
      accessToken: 't',
    });
  });

  it('names each bad or missing variable, never the token', () => {
    const bad = { MATRIX_HOMESERVER_URL: 'not a url', MATRIX_ALLOWED_INVITERS: 'x' };
    expect(() => fromEnv(bad)).toThrow(
      expect.objectContaining({ variables: ['MATRIX_HOMESERVER_URL', 'MATRIX_ACCESS_TOKEN'] }),
    );
    expect(() => fromEnv(bad)).toThrow(ConfigError);
    expect(() => fromEnv(bad)).toThrow('MATRIX_ACCESS_TOKEN is required when MATRIX_HOMESERVER_URL is set');
    expect(() => fromEnv({ MATRIX_ACCESS_TOKEN: 'syt_secret' })).toThrow(
      /MATRIX_HOMESERVER_URL is required when MATRIX_ACCESS_TOKEN is set/,
    );
    expect(() => fromEnv({ MATRIX_ACCESS_TOKEN: 'syt_secret' })).not.toThrow(/syt_secret/);
  });
});
