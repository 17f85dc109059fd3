import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arg, createBot, createLogger, defineCommand, document, type Bot, type Command } from '@stats/core';
import { logSink, type MatrixHomeserver } from '@stats/test-utils';
import { createMatrixAdapter, type MatrixAdapter, type MatrixAdapterOptions } from '../src/index.js';

/** A bot on the Matrix adapter, pointed at the stand-in. */
export interface RunningBot {
  readonly bot: Bot;
  readonly adapter: MatrixAdapter;
  stop(): Promise<void>;
}

/** A fresh DATA_DIR, removed by the returned function. */
export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'stats-matrix-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** `!ping` → `pong`. */
export const ping = defineCommand({ name: 'ping', summary: 'Answers pong', run: () => document().text('pong') });

/** `!echo <text>` → the text, as data (escaped by the renderer). */
export const echo = defineCommand({
  name: 'echo',
  summary: 'Repeats the text',
  args: { text: arg.rest('what to repeat') },
  run: (ctx) =>
    document()
      .heading(ctx.args.text)
      .table(['label'], [[ctx.args.text]]),
});

/** `!login <email> <password>`: a sensitive command (the router redacts it in shared rooms). */
export const login = defineCommand({
  name: 'login',
  summary: 'Log in',
  sensitive: true,
  where: 'direct-only',
  args: { email: arg.string('email'), password: arg.string('password', { secret: true }) },
  run: () => document().text('logged in'),
});

/** `!where` → `direct` or `shared`. */
export const where = defineCommand({
  name: 'where',
  summary: 'Direct or shared',
  run: (ctx) => document().text(ctx.message.isDirect ? 'direct' : 'shared'),
});

/** Starts a bot with the given commands on the Matrix adapter against the stand-in. */
export async function startBot(
  hs: MatrixHomeserver,
  dataDir: string,
  commands: readonly Command[] = [ping, echo, login, where],
  options: Partial<MatrixAdapterOptions> = {},
): Promise<RunningBot> {
  const adapter = createMatrixAdapter({
    homeserverUrl: hs.url,
    accessToken: hs.bot.token,
    dataDir,
    syncTimeoutMs: 2_000,
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
    ...options,
  });
  // Debug lines go to the log scan, which fails the test when one holds a stand-in's token.
  const logger = await createLogger({ level: 'debug', destination: logSink() });
  const bot = createBot({ adapters: [adapter], commands, http: false, rateLimit: false, logger });
  await bot.start();
  return { bot, adapter, stop: () => bot.stop() };
}

/** The `body` of an event's content. */
export function bodyOf(event: Record<string, unknown>): string {
  return String((event['content'] as { body?: unknown }).body);
}

/** Bot replies (`m.in_reply_to`) to `eventId` seen so far. */
export function repliesTo(hs: MatrixHomeserver, eventId: string): Record<string, unknown>[] {
  return hs
    .botEvents()
    .filter(
      (e) =>
        (e['content'] as { 'm.relates_to'?: { 'm.in_reply_to'?: { event_id?: string } } })['m.relates_to']?.[
          'm.in_reply_to'
        ]?.event_id === eventId,
    );
}
