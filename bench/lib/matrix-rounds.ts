import type { MatrixHomeserver, StoredEvent } from '@stats/test-utils';

/** One way of asking the bot something in one room of the homeserver stand-in. */
export interface MatrixSubject {
  /** A short label, e.g. `encrypted DM`. */
  readonly label: string;
  readonly room: string;
  /** Sends one command; resolves to its event id. The clock starts when the stand-in stores it, not here. */
  ask(): Promise<string>;
  /** After the reply was stored, untimed: e.g. the human decrypts and reads it. */
  check?(asked: string): Promise<void>;
}

/** How many rounds to time, after how many untimed ones, interleaved in blocks of how many. */
export interface MatrixRoundsOptions {
  readonly n: number;
  readonly warmup: number;
  /** Each subject runs this many rounds in turn, until each has `n` (default 100). */
  readonly block?: number;
  /** Called after each block, for progress output. */
  readonly onBlock?: (label: string, done: number) => void;
}

/**
 * Resolves with the time (`performance.now()`) at which the stand-in stores the first event
 * that matches, taken in its append listener: no scan of the stream in the measured window.
 */
export function storedAt(hs: MatrixHomeserver, match: (event: StoredEvent) => boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('no matching event within 10 s'));
    }, 10_000);
    const off = hs.state.subscribe((event) => {
      if (!event || !match(event)) return;
      const at = performance.now();
      clearTimeout(timer);
      off();
      resolve(at);
    });
  });
}

/**
 * One round: the command stored → the bot's reply stored, in ms, both taken in the stand-in's
 * append listener (sync wake-up, the bot's processing, its PUT; not the human's side).
 */
export async function matrixRound(hs: MatrixHomeserver, subject: MatrixSubject): Promise<number> {
  const { room } = subject;
  const human = (e: StoredEvent): boolean =>
    e.room_id === room && e.sender !== hs.bot.userId && e.state_key === undefined;
  const askedAt = storedAt(hs, human);
  const repliedAt = storedAt(hs, (e) => e.room_id === room && e.sender === hs.bot.userId && e.state_key === undefined);
  const asked = await subject.ask();
  const took = (await repliedAt) - (await askedAt);
  await subject.check?.(asked);
  return took;
}

/**
 * Message → reply times (ms) of each subject, one command at a time (each waits for the
 * previous reply), subjects interleaved block by block so that drift of the machine (load,
 * turbo, GC of what another subject retained) hits each alike.
 */
export async function matrixRounds(
  hs: MatrixHomeserver,
  subjects: readonly MatrixSubject[],
  options: MatrixRoundsOptions,
): Promise<Map<string, number[]>> {
  const block = options.block ?? 100;
  const samples = new Map<string, number[]>(subjects.map((s) => [s.label, []]));
  for (const subject of subjects) for (let i = 0; i < options.warmup; i += 1) await matrixRound(hs, subject);
  for (let done = 0; done < options.n; done += block) {
    for (const subject of subjects) {
      const into = samples.get(subject.label) as number[];
      for (let i = done; i < Math.min(options.n, done + block); i += 1) into.push(await matrixRound(hs, subject));
      options.onBlock?.(subject.label, into.length);
    }
  }
  return samples;
}
