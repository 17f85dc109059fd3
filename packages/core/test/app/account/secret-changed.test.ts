import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthServer, type RunningAuthServer } from '@stats/test-utils';
import { createSessionsFromConfig, loadConfig } from '../../../src/app/index.js';
import { type UserRef } from '../../../src/index.js';
import { captureLogger } from './log-capture.js';

const OLD_SECRET = 'the-old-session-secret-0123456789abcdef';
const NEW_SECRET = 'the-new-session-secret-fedcba9876543210';
const users: UserRef[] = ['@ada', '@bob', '@cy'].map((id) => ({ platform: 'matrix', id: `${id}:example.org` }));
let auth: RunningAuthServer;
let dir: string;

beforeAll(async () => {
  auth = await startAuthServer();
  for (const user of users)
    auth.addUser({ email: `${user.id.slice(1, 4)}@example.org`, password: `pw-${user.id}-secret` });
  dir = mkdtempSync(join(tmpdir(), 'stats-secret-changed-'));
});
afterAll(async () => {
  await auth.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a changed SESSION_SECRET', () => {
  it('logs one warning naming the cause, not one per session or per message, on the SQLite store', async () => {
    const before = await createSessionsFromConfig(
      loadConfig({ AUTH_URL: auth.url, DATA_DIR: dir, SESSION_SECRET: OLD_SECRET }),
    );
    for (const user of users)
      await before?.manager.login(user, {
        email: `${user.id.slice(1, 4)}@example.org`,
        password: `pw-${user.id}-secret`,
      });
    for (const user of users) expect(await before?.manager.current(user)).toBeDefined();
    await before?.close();

    const { logger, lines } = captureLogger();
    const after = await createSessionsFromConfig(
      loadConfig({ AUTH_URL: auth.url, DATA_DIR: dir, SESSION_SECRET: NEW_SECRET }),
      { logger },
    );
    // Every user, several messages each, and a listing: all of them find an unreadable session.
    for (let round = 0; round < 3; round += 1)
      for (const user of users) expect(await after?.manager.current(user)).toBeUndefined();
    expect(await after?.manager.store.list()).toEqual([]);
    await after?.close();

    const warnings = lines
      .map((line) => JSON.parse(line) as { level: number; msg: string; variable?: string })
      .filter((entry) => entry.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.msg).toMatch(/cannot be decrypted with the current SESSION_SECRET/);
    expect(warnings[0]?.variable).toBe('SESSION_SECRET');
    const text = lines.join('\n');
    for (const secret of [OLD_SECRET, NEW_SECRET]) expect(text).not.toContain(secret);
  });

  it('stays silent when the secret is unchanged', async () => {
    const { logger, lines } = captureLogger();
    const same = await createSessionsFromConfig(
      loadConfig({ AUTH_URL: auth.url, DATA_DIR: dir, SESSION_SECRET: OLD_SECRET }),
      { logger },
    );
    const user = users[0] as UserRef;
    await same?.manager.login(user, { email: `${user.id.slice(1, 4)}@example.org`, password: `pw-${user.id}-secret` });
    expect(await same?.manager.current(user)).toBeDefined();
    await same?.close();
    expect(lines.filter((line) => line.includes('cannot be decrypted'))).toEqual([]);
  });
});
