import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { MatrixHomeserver } from '@stats/test-utils';
import { startEncryptedHuman } from '@stats/test-utils';

/** What the thread is started with: a user the main thread registered in the stand-in. */
interface Start {
  readonly url: string;
  readonly userId: string;
  readonly token: string;
  readonly deviceId: string;
}
type Call =
  | { readonly n: number; readonly op: 'say'; readonly room: string; readonly text: string; readonly members: string[] }
  | { readonly n: number; readonly op: 'reply'; readonly eventId: string; readonly timeoutMs: number }
  | { readonly n: number; readonly op: 'stop' };
/** A call without its number (per member of the union). */
type Body = Call extends infer C ? (C extends Call ? Omit<C, 'n'> : never) : never;
type Answer = { readonly n: number; readonly value?: string; readonly error?: string };

/**
 * The encrypted human of `startEncryptedHuman` (test-utils) in its own worker thread: its
 * crypto (decrypting the bot's keys and answers, encrypting and key sharing) runs beside the
 * bot's thread, as a user's client runs on another device, instead of taking turns with the
 * bot on one event loop. It reaches the stand-in over HTTP only; the main thread registers the
 * user and its device and manages the rooms.
 */
export interface EncryptedHumanThread {
  readonly userId: string;
  /** Sends an encrypted `m.text` into a room whose joined members are `members`; resolves to the event id. */
  say(room: string, text: string, members: readonly string[]): Promise<string>;
  /** Resolves once the human has decrypted the bot's reply to `eventId`. */
  waitForReply(eventId: string, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** Registers `localpart` in the stand-in and starts its human in a worker thread (device keys uploaded). */
export async function startEncryptedHumanThread(
  hs: MatrixHomeserver,
  localpart: string,
): Promise<EncryptedHumanThread> {
  const user = hs.state.addUser(localpart, localpart);
  const deviceId = `DEV${localpart.toUpperCase()}THREAD`;
  hs.state.e2ee.bindToken(user.token, deviceId);
  const start: Start = { url: hs.url, userId: user.userId, token: user.token, deviceId };
  // The thread loads this TypeScript file through tsx as the main thread did (Node 20 does not
  // pass --import on to workers).
  const boot = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(boot, { eval: true, workerData: start });
  const waiting = new Map<number, { resolve: (value: string) => void; reject: (err: Error) => void }>();
  worker.on('message', (answer: Answer) => {
    const call = waiting.get(answer.n);
    waiting.delete(answer.n);
    if (answer.error !== undefined) call?.reject(new Error(answer.error));
    else call?.resolve(answer.value ?? '');
  });
  const fail = (err: Error): void => {
    for (const call of waiting.values()) call.reject(err);
    waiting.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the human's thread exited (${code})`)));
  let next = 1;
  const call = (body: Body): Promise<string> =>
    new Promise((resolve, reject) => {
      const n = next++;
      waiting.set(n, { resolve, reject });
      worker.postMessage({ ...body, n });
    });
  await call({ op: 'say', room: '', text: '', members: [] }); // answered once its keys are uploaded
  return {
    userId: user.userId,
    say: (room, text, members) => call({ op: 'say', room, text, members: [...members] }),
    waitForReply: async (eventId, timeoutMs) => {
      await call({ op: 'reply', eventId, timeoutMs });
    },
    stop: async () => {
      await call({ op: 'stop' });
      await worker.terminate();
    },
  };
}

async function runThread(start: Start): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const members = new Map<string, string[]>();
  // Only what startEncryptedHuman asks of the stand-in's state, answered from this thread.
  const hs = {
    url: start.url,
    state: {
      addUser: () => ({ userId: start.userId, token: start.token }),
      e2ee: { bindToken: () => undefined },
      joinedMembers: (room: string) => members.get(room) ?? [],
    },
  } as unknown as MatrixHomeserver;
  const human = await startEncryptedHuman(hs, start.userId.slice(1, start.userId.indexOf(':')), {
    deviceId: start.deviceId,
  });
  port.on('message', (message: Call) => {
    void (async (): Promise<Answer> => {
      try {
        if (message.op === 'say') {
          if (message.room === '') return { n: message.n };
          members.set(message.room, message.members);
          return { n: message.n, value: await human.say(message.room, message.text) };
        }
        if (message.op === 'reply') {
          await human.waitForReply(message.eventId, { timeoutMs: message.timeoutMs });
          return { n: message.n };
        }
        await human.stop();
        return { n: message.n };
      } catch (err) {
        return { n: message.n, error: (err as Error).message };
      }
    })().then((answer) => port.postMessage(answer));
  });
}

if (!isMainThread && (workerData as Start | undefined)?.url !== undefined) await runThread(workerData as Start);
