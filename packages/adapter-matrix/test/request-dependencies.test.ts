import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBotRoom, startMatrixHomeserver, type MatrixHomeserver } from '@stats/test-utils';
// Through the adapter's loader, as the adapter itself loads the SDK (no native crypto binary here).
import { MatrixClient } from '../src/matrix-sdk.js';

/**
 * matrix-bot-sdk 0.8 sends every call through `request` 2.88, which pins form-data ~2.3
 * (CVE-2025-7783) and tough-cookie ~2.5 (CVE-2023-26136). The workspace overrides them
 * (root package.json `pnpm.overrides`); these tests prove the SDK still works with the
 * fixed versions, over real sockets against the homeserver stand-in.
 */

// Resolve exactly as Node does for the SDK: its `request`, and request's own dependencies.
const fromSdk = createRequire(createRequire(import.meta.url).resolve('matrix-bot-sdk'));
const fromRequest = createRequire(fromSdk.resolve('request'));
const versionOf = (name: string): string => (fromRequest(`${name}/package.json`) as { version: string }).version;

interface RequestJar {
  setCookie(cookie: string, url: string): void;
  getCookieString(url: string): string;
}
interface RequestModule {
  jar(): RequestJar;
  post(
    options: Record<string, unknown>,
    callback: (error: unknown, response: { statusCode: number }, body: unknown) => void,
  ): void;
}
const request = fromSdk('request') as RequestModule;

function atLeast(version: string, minimum: string): boolean {
  const a = version.split('.').map(Number);
  const b = minimum.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
}

let hs: MatrixHomeserver;
beforeAll(async () => {
  hs = await startMatrixHomeserver();
});
afterAll(() => hs.stop());

describe('matrix-bot-sdk with the overridden request dependencies', () => {
  it('loads form-data ≥ 2.5.4 and tough-cookie ≥ 4.1.3 under request', () => {
    expect(atLeast(versionOf('form-data'), '2.5.4')).toBe(true);
    expect(atLeast(versionOf('tough-cookie'), '4.1.3')).toBe(true);
  });

  it('talks to the homeserver through its request path: whoami, a message, an upload', async () => {
    const client = new MatrixClient(hs.url, hs.bot.token);
    expect(await client.getUserId()).toBe(hs.bot.userId);
    const alice = hs.human('alice', 'Alice');
    const room = createBotRoom(hs, { owner: alice, name: 'deps' }).roomId;
    await client.joinRoom(room);
    const eventId = await client.sendNotice(room, 'hello through request');
    expect(hs.botEvents(room).some((e) => e['event_id'] === eventId)).toBe(true);
    const mxc = await client.uploadContent(Buffer.from('png bytes'), 'image/png', 'chart.png');
    expect(mxc).toMatch(/^mxc:\/\//);
  });

  it('sends a multipart body (form-data) and keeps cookies (tough-cookie) through request', async () => {
    const jar = request.jar();
    jar.setCookie('session=abc', hs.url);
    expect(jar.getCookieString(hs.url)).toBe('session=abc');
    const answer = await new Promise<{ status: number; body: unknown }>((resolve, reject) =>
      request.post(
        {
          url: `${hs.url}/_matrix/media/v3/upload?filename=form.txt`,
          headers: { authorization: `Bearer ${hs.bot.token}` },
          formData: {
            file: {
              value: Buffer.from('multipart content'),
              options: { filename: 'form.txt', contentType: 'text/plain' },
            },
          },
          jar,
          json: true,
        },
        (error, response, body) =>
          error
            ? reject(error instanceof Error ? error : new Error(String(error)))
            : resolve({ status: response.statusCode, body }),
      ),
    );
    expect(answer.status).toBe(200);
    const id =
      String((answer.body as { content_uri?: string }).content_uri)
        .split('/')
        .pop() ?? '';
    const stored = hs.state.media.get(id);
    expect(stored?.contentType).toMatch(/^multipart\/form-data; boundary=/);
    expect(stored?.bytes.toString()).toContain('multipart content');
  });
});
