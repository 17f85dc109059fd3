import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SDKS = ['matrix-bot-sdk', 'discord.js', '@discordjs/', 'grammy', '@grammyjs/', 'telegraf', 'matrix-js-sdk'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('@stats/core', () => {
  it('imports no chat-platform SDK', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(new URL('.', import.meta.url).pathname)) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:from\s+|import\s*\(\s*)['"]([^'"]+)['"]/g)) {
        const specifier = match[1] ?? '';
        if (SDKS.some((sdk) => specifier === sdk || specifier.startsWith(sdk.endsWith('/') ? sdk : `${sdk}/`)))
          offenders.push(`${file}: ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('declares no chat-platform SDK as a dependency', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as Record<
      string,
      Record<string, string> | undefined
    >;
    const names = ['dependencies', 'peerDependencies', 'optionalDependencies'].flatMap((k) =>
      Object.keys(pkg[k] ?? {}),
    );
    expect(names.filter((n) => SDKS.some((sdk) => n === sdk || n.startsWith(sdk)))).toEqual([]);
  });
});
