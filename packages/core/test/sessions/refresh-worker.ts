/**
 * A second bot process for the cross-process single-flight test: it opens the same shared
 * store, waits for `go` on stdin, uses the session `USES` times at once and prints the access
 * tokens it got as JSON. Run with `tsx --conditions=@stats/source`.
 */
import { createInterface } from 'node:readline';
import {
  createAuthServiceClient,
  createSessionCipher,
  createSessionManager,
  keyFromSecret,
  type SessionStore,
} from '../../src/index.js';
import { createPostgresSessionStore } from '../../src/stores/postgres/index.js';
import { createRedisSessionStore } from '../../src/stores/redis/index.js';

const env = process.env;
const cipher = createSessionCipher(keyFromSecret(env['SESSION_SECRET'] ?? ''));
const store: SessionStore =
  env['STORE'] === 'postgres'
    ? createPostgresSessionStore({
        connectionString: env['DATABASE_URL'] ?? '',
        table: env['TABLE'] ?? '',
        cipher,
        purgeEveryMs: 0,
      })
    : createRedisSessionStore({ url: env['REDIS_URL'] ?? '', keyPrefix: env['KEY_PREFIX'] ?? '', cipher });
const manager = createSessionManager({
  store,
  providers: [createAuthServiceClient({ url: env['AUTH_URL'] ?? '' })],
  lockPollMs: 10,
});
const user = { platform: 'matrix', id: env['CHAT_USER'] ?? '' };
await store.get(user);
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() !== 'go') continue;
  const sessions = await Promise.all(Array.from({ length: Number(env['USES'] ?? 1) }, () => manager.current(user)));
  process.stdout.write(`${JSON.stringify([...new Set(sessions.map((s) => s?.accessToken ?? null))])}\n`);
  break;
}
lines.close();
await store.close?.();
