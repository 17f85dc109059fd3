/**
 * Where an encrypted Matrix answer spends its time: runs `!ping` rounds in a plain room and two
 * encrypted DMs, the human's client in this thread or in a worker thread (interleaved, as
 * `pnpm bench --filter e2ee` does) and times each stage of every
 * round from the bot's side, by wrapping the adapter's own methods in this process:
 *
 *   sync      command stored in the stand-in → the bot's /sync answer parsed (long-poll wake-up, HTTP)
 *   decrypt   → the sync fed to the OlmMachine, gaps filled, timeline decrypted (RoomCrypto)
 *   dispatch  → the command's run() called (SDK processing, intake gate, routing, guards)
 *   render    → the reply handed to the sender (render, reply content)
 *   encrypt   → the sealed event back (room-key check, Megolm encryption; 0 in a plain room)
 *   send      → the reply stored in the stand-in (the PUT)
 *
 *   node --import tsx --conditions=@stats/source bench/tools/matrix-stages.ts [--n 500]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createMatrixAdapter } from '@stats/adapter-matrix';
import { createBot, defineCommand, document } from '@stats/core';
import { startEncryptedHuman, startMatrixHomeserver } from '@stats/test-utils';
import { RoomCrypto } from '../../packages/adapter-matrix/src/crypto/room-crypto.js';
import { MatrixSender } from '../../packages/adapter-matrix/src/sender.js';
import { SyncingClient } from '../../packages/adapter-matrix/src/sync-client.js';
import { summarize } from '../harness.js';
import { startEncryptedHumanThread } from '../lib/encrypted-human-thread.js';
import { matrixRounds, type MatrixSubject } from '../lib/matrix-rounds.js';

const STAGES = ['sync', 'decrypt', 'dispatch', 'render', 'encrypt', 'send'] as const;
type Stage = (typeof STAGES)[number];

const { values } = parseArgs({ options: { n: { type: 'string', default: '500' } } });
const n = Number(values.n);

/** The time marks of the round in flight (one command at a time, so one set of marks). */
let marks: Partial<Record<'synced' | 'decrypted' | 'run' | 'handed' | 'sealed', number>> = {};

type Method = (...args: never[]) => Promise<unknown>;
/** Wraps an async method so that `mark` gets the time it was called (`at: 'start'`) or settled. */
function time(proto: object, name: string, at: 'start' | 'end', mark: () => void): void {
  const methods = proto as Record<string, Method>;
  const original = methods[name];
  if (typeof original !== 'function') throw new Error(`no method ${name} to time`);
  methods[name] = async function (this: unknown, ...args: never[]) {
    if (at === 'start') mark();
    const result = await original.apply(this, args);
    if (at === 'end') mark();
    return result;
  };
}

// doSync is the SDK's (protected): reached through the prototype chain of the adapter's client.
time(Object.getPrototypeOf(SyncingClient.prototype) as object, 'doSync', 'end', () => {
  marks.synced = performance.now();
});
time(RoomCrypto.prototype, 'decryptTimelines', 'end', () => {
  marks.decrypted = performance.now();
});
time(MatrixSender.prototype, 'sendEvent', 'start', () => {
  marks.handed = performance.now();
});
time(RoomCrypto.prototype, 'encryptEvent', 'end', () => {
  marks.sealed = performance.now();
});

/** How long the store writes and the sync loop's wait for them took (ms), whenever they ran. */
const background = {
  receiveSync: [] as number[],
  persist: [] as number[],
  syncDurable: [] as number[],
  afterSend: [] as number[],
};
for (const name of ['receiveSync', 'persist', 'syncDurable', 'afterSend'] as const) {
  const methods = RoomCrypto.prototype as unknown as Record<string, Method>;
  const original = methods[name] as Method;
  methods[name] = async function (this: unknown, ...args: never[]) {
    const started = performance.now();
    try {
      return await original.apply(this, args);
    } finally {
      background[name].push(performance.now() - started);
    }
  };
}

const hs = await startMatrixHomeserver();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'stats-matrix-stages-'));
const ping = defineCommand({
  name: 'ping',
  summary: 'pong',
  rateLimit: false,
  run: () => {
    marks.run = performance.now();
    return document().text('pong');
  },
});
const adapter = createMatrixAdapter({ homeserverUrl: hs.url, accessToken: hs.bot.token, dataDir });
const bot = createBot({ adapters: [adapter], commands: [ping], http: false, rateLimit: false });
const alice = await startEncryptedHuman(hs, 'alice');
const bob = await startEncryptedHumanThread(hs, 'bob');
const stages = new Map<string, Record<Stage, number[]>>();
try {
  await bot.start();
  const dm = alice.createRoom({ invite: [hs.bot.userId], direct: true });
  const plain = alice.createRoom({ invite: [hs.bot.userId], encrypted: false });
  const bobDm = hs.state.createRoom(bob.userId, { invite: [hs.bot.userId], direct: true, encrypted: true });
  for (const room of [dm, plain, bobDm])
    await hs.waitFor(
      (e) =>
        e['room_id'] === room &&
        e['state_key'] === hs.bot.userId &&
        (e['content'] as { membership?: string }).membership === 'join',
    );
  const stored = (room: string, sender: (id: string) => boolean): Promise<number> =>
    new Promise((resolve) => {
      const off = hs.state.subscribe((event) => {
        if (!event || event.room_id !== room || !sender(event.sender) || event.state_key !== undefined) return;
        off();
        resolve(performance.now());
      });
    });
  const timed = (
    label: string,
    room: string,
    ask: () => Promise<string>,
    check?: MatrixSubject['check'],
  ): MatrixSubject => {
    const record: Record<Stage, number[]> = { sync: [], decrypt: [], dispatch: [], render: [], encrypt: [], send: [] };
    stages.set(label, record);
    return {
      label,
      room,
      ...(check ? { check } : {}),
      ask: async () => {
        marks = {};
        const asked = stored(room, (s) => s !== hs.bot.userId);
        const replied = stored(room, (s) => s === hs.bot.userId);
        const id = await ask();
        const [t0, t5] = [await asked, await replied];
        const synced = marks.synced ?? t0;
        const decrypted = Math.max(synced, marks.decrypted ?? synced);
        const run = marks.run ?? decrypted;
        const handed = marks.handed ?? run;
        const sealed = Math.max(handed, marks.sealed ?? handed);
        record.sync.push(synced - t0);
        record.decrypt.push(decrypted - synced);
        record.dispatch.push(run - decrypted);
        record.render.push(handed - run);
        record.encrypt.push(sealed - handed);
        record.send.push(t5 - sealed);
        return id;
      },
    };
  };
  const subjects = [
    timed('plain room', plain, async () =>
      Promise.resolve(
        hs.state.append(plain, alice.userId, 'm.room.message', { msgtype: 'm.text', body: '!ping' }).event_id,
      ),
    ),
    timed(
      'encrypted DM',
      dm,
      () => alice.say(dm, '!ping'),
      async (asked) => {
        await alice.waitForReply(asked, { timeoutMs: 10_000 });
      },
    ),
    timed(
      'encrypted DM, human in a thread',
      bobDm,
      () => bob.say(bobDm, '!ping', [bob.userId, hs.bot.userId]),
      (asked) => bob.waitForReply(asked, 10_000),
    ),
  ];
  // The warm-up rounds are timed too: clear them before the measured ones.
  await matrixRounds(hs, subjects, { n: 0, warmup: Math.min(50, n) });
  for (const record of stages.values()) for (const stage of STAGES) record[stage].length = 0;
  const totals = await matrixRounds(hs, subjects, { n, warmup: 0 });
  console.log(`${n} rounds each, interleaved in blocks of 100; ms per stage (p50 / p99 / max)`);
  for (const [name, durations] of Object.entries(background)) {
    const s = summarize(durations);
    console.log(
      `${name}: ${durations.length} calls, p50 ${s.median.toFixed(2)}, p99 ${s.p99.toFixed(2)}, max ${Math.max(0, ...durations).toFixed(2)} ms`,
    );
  }
  for (const [label, record] of stages) {
    const total = summarize(totals.get(label) ?? []);
    console.log(`\n${label}: total p50 ${total.median.toFixed(2)} / p99 ${total.p99.toFixed(2)}`);
    for (const stage of STAGES) {
      const s = summarize(record[stage]);
      const max = Math.max(...record[stage]);
      console.log(
        `  ${stage.padEnd(9)} ${s.median.toFixed(2).padStart(7)} ${s.p99.toFixed(2).padStart(7)} ${max.toFixed(2).padStart(8)}`,
      );
    }
    // The slowest rounds, stage by stage: is the tail one stage, or every 50th round (key re-share)?
    const sums = record.sync.map((_, i) => STAGES.reduce((sum, stage) => sum + (record[stage][i] ?? 0), 0));
    const slowest = [...sums.keys()].sort((a, b) => (sums[b] ?? 0) - (sums[a] ?? 0)).slice(0, 5);
    for (const i of slowest)
      console.log(
        `  round ${i}: ${STAGES.map((stage) => `${stage} ${(record[stage][i] ?? 0).toFixed(1)}`).join(', ')}`,
      );
  }
} finally {
  await bot.stop();
  await alice.stop();
  await bob.stop();
  await hs.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
