import type { CommandDescriptor } from '@stats/core';
import { describe, expect, it } from 'vitest';
import { optionName, sameCommands, toSlashCommands } from './slash-commands.js';

const command = (over: Partial<CommandDescriptor>): CommandDescriptor => ({
  name: 'stats',
  aliases: [],
  summary: 'Site statistics',
  usage: 'stats',
  args: [],
  where: 'anywhere',
  auth: 'public',
  private: false,
  sensitive: false,
  ...over,
});

describe('toSlashCommands', () => {
  it('cuts descriptions to 100 characters and never leaves one empty', () => {
    const [slash] = toSlashCommands([
      command({ summary: 'x'.repeat(150), args: [{ name: 'site', description: '', type: 'string', required: true }] }),
    ]);
    expect(slash?.description).toHaveLength(100);
    expect(slash?.description.endsWith('…')).toBe(true);
    expect(slash?.options?.[0]?.description).toBe('site');
  });

  it('gives a sensitive command no options (its secrets go into a modal)', () => {
    const [slash] = toSlashCommands([
      command({
        name: 'login',
        sensitive: true,
        args: [{ name: 'password', description: 'pw', type: 'string', required: true, secret: true }],
      }),
    ]);
    expect(slash?.options).toBeUndefined();
  });

  it('keeps at most 25 choices', () => {
    const choices = Array.from({ length: 30 }, (_, i) => `c${i}`);
    const [slash] = toSlashCommands([
      command({ args: [{ name: 'pick', description: 'one', type: 'string', required: true, choices }] }),
    ]);
    expect(slash?.options?.[0]).toMatchObject({ type: 3 });
    expect((slash?.options?.[0] as { choices?: unknown[] }).choices).toHaveLength(25);
  });
});

describe('optionName', () => {
  it('turns argument names into names Discord accepts', () => {
    expect(optionName('sinceDays')).toBe('since_days');
    expect(optionName('Site URL')).toBe('site_url');
    expect(optionName('x'.repeat(40))).toHaveLength(32);
  });
});

describe('sameCommands', () => {
  it('ignores the fields Discord adds and the order of commands, not a changed option', () => {
    const wanted = toSlashCommands([
      command({}),
      command({ name: 'today', args: [{ name: 'site', description: 'd', type: 'string', required: false }] }),
    ]);
    const registered = wanted
      .map((c, i) => ({ ...c, id: String(i), application_id: '1', version: '1', default_member_permissions: null }))
      .reverse();
    expect(sameCommands(registered, wanted)).toBe(true);
    const changed = toSlashCommands([
      command({}),
      command({ name: 'today', args: [{ name: 'site', description: 'd', type: 'string', required: true }] }),
    ]);
    expect(sameCommands(registered, changed)).toBe(false);
    expect(sameCommands(registered.slice(1), wanted)).toBe(false);
  });
});
