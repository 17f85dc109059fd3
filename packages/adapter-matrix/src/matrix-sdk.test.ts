import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MatrixClient, MatrixError, NATIVE_CRYPTO_MISSING } from './matrix-sdk.js';

// The workspace installs matrix-bot-sdk's crypto package without running its postinstall (root
// package.json: ignoredBuiltDependencies), as `npm install --ignore-scripts` or a failed download does.
const sdkRequire = createRequire(createRequire(import.meta.url).resolve('matrix-bot-sdk'));

describe('matrix-bot-sdk without its native crypto binary', () => {
  it('loads the SDK, whose crypto package is installed but cannot load here', () => {
    expect(() => sdkRequire.resolve('@matrix-org/matrix-sdk-crypto-nodejs')).not.toThrow();
    expect(typeof MatrixClient).toBe('function');
    expect(new MatrixError({ errcode: 'M_FORBIDDEN', error: 'no' }, 403).errcode).toBe('M_FORBIDDEN');
  });

  it('throws a clear error only when the SDK crypto is used', () => {
    const crypto = sdkRequire('@matrix-org/matrix-sdk-crypto-nodejs') as Record<string, unknown>;
    expect(() => crypto['OlmMachine']).toThrow(NATIVE_CRYPTO_MISSING);
  });
});

describe("matrix-bot-sdk's unused parts", () => {
  const loaded = (name: string): boolean =>
    Object.keys(sdkRequire.cache).some((file) => file.includes(`/node_modules/${name}/`));

  it('are not loaded with the SDK: express, sanitize-html, lowdb (and lodash) wait for first use', () => {
    expect(typeof MatrixClient).toBe('function');
    for (const name of ['express', 'sanitize-html', 'lowdb', 'lodash']) expect(loaded(name), name).toBe(false);
  });

  it("still work when the SDK uses them: its rich reply (sanitize-html), its file storage (lowdb), its appservice's express", () => {
    const sdk = sdkRequire('matrix-bot-sdk') as typeof import('matrix-bot-sdk');
    const reply = sdk.RichReply.createFor(
      '!room:example.org',
      { event_id: '$1', sender: '@a:example.org', content: { body: '<script>alert(1)</script><b>hi</b>' } },
      'answer',
      'answer',
    ) as { formatted_body: string };
    expect(reply.formatted_body).toContain('<br /><b>hi</b></blockquote>');
    expect(reply.formatted_body).not.toContain('script');
    expect(loaded('sanitize-html')).toBe(true);

    const dir = mkdtempSync(path.join(os.tmpdir(), 'sdk-storage-'));
    try {
      const storage = new sdk.SimpleFsStorageProvider(path.join(dir, 'bot.json'));
      storage.setSyncToken('s1');
      expect(storage.getSyncToken()).toBe('s1');
      expect(readFileSync(path.join(dir, 'bot.json'), 'utf8')).toContain('s1');
      expect(loaded('lowdb')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const appservice = new sdk.Appservice({
      homeserverName: 'example.org',
      homeserverUrl: 'http://127.0.0.1:1',
      port: 0,
      bindAddress: '127.0.0.1',
      registration: {
        id: 'test',
        as_token: 'as',
        hs_token: 'hs',
        sender_localpart: 'bot',
        namespaces: { users: [{ exclusive: true, regex: '@bot_.*:example.org' }], rooms: [], aliases: [] },
      },
    });
    expect(typeof (appservice.expressAppInstance as { use?: unknown }).use).toBe('function');
    expect(loaded('express')).toBe(true);
  });

  it("leave the application's own require of the same packages alone", () => {
    const appRequire = createRequire(sdkRequire.resolve('matrix-bot-sdk'));
    const express = appRequire('express') as { json?: unknown; name?: string };
    expect(typeof express.json).toBe('function');
    expect(express.name).toBe('createApplication');
  });
});
