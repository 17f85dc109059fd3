import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/index.js';
import { envReader } from './env-reader.js';

describe('envReader', () => {
  it('reads trimmed values, treats blanks as unset, and checks nothing when all is well', () => {
    const env = envReader({ A: '  x ', B: '   ', URL: 'https://example.org//', IDS: '1, 2,,3', ON: 'YES', OFF: '0' });
    expect(env.text('A')).toBe('x');
    expect(env.text('B')).toBeUndefined();
    expect(env.has('B')).toBe(false);
    expect(env.url('URL')).toBe('https://example.org');
    expect(env.list('IDS', /^\d+$/)).toEqual(['1', '2', '3']);
    expect(env.flag('ON')).toBe(true);
    expect(env.flag('OFF')).toBe(false);
    expect(env.flag('MISSING')).toBeUndefined();
    expect(() => env.check()).not.toThrow();
  });

  it('names every bad or missing variable in one error, never a value', () => {
    const env = envReader({ URL: 'ftp://secret-host', IDS: '1,@alice', FLAG: 'maybe', ID: 'abc', WHEN: 'set' });
    expect(env.url('URL')).toBeUndefined();
    expect(env.list('IDS', /^\d+$/, 'must be numeric ids')).toBeUndefined();
    expect(env.flag('FLAG')).toBeUndefined();
    expect(env.match('ID', /^\d+$/, 'must be a numeric id')).toBeUndefined();
    env.requireWith('WHEN', ['NEEDED']);
    env.requireWith('UNSET', ['ALSO_UNSET']);
    expect(() => env.check()).toThrow(expect.objectContaining({ variables: ['URL', 'IDS', 'FLAG', 'ID', 'NEEDED'] }));
    expect(() => env.check()).toThrow(ConfigError);
    for (const line of [
      'URL must be an http(s) URL',
      'IDS must be numeric ids',
      'FLAG must be true or false',
      'NEEDED is required when WHEN is set',
    ]) {
      expect(() => env.check()).toThrow(line);
    }
    expect(() => env.check()).not.toThrow(/secret-host|@alice|maybe|abc/);
  });

  it('requires variables that only mean something together, once any of them is set', () => {
    const none = envReader({});
    none.requireTogether('URL', 'TOKEN', 'ID');
    expect(() => none.check()).not.toThrow();
    const all = envReader({ URL: 'u', TOKEN: 't', ID: 'i' });
    all.requireTogether('URL', 'TOKEN', 'ID');
    expect(() => all.check()).not.toThrow();
    const half = envReader({ TOKEN: 't0ken', ID: ' ' });
    half.requireTogether('URL', 'TOKEN', 'ID');
    expect(() => half.check()).toThrow(expect.objectContaining({ variables: ['URL', 'ID'] }));
    expect(() => half.check()).toThrow('URL is required when TOKEN is set');
    expect(() => half.check()).not.toThrow(/t0ken/);
    const two = envReader({ URL: 'u', TOKEN: 't' });
    two.requireTogether('URL', 'TOKEN', 'ID');
    expect(() => two.check()).toThrow('ID is required when URL and TOKEN are set');
  });
});
