import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HandledLog } from '@stats/core/adapter';

/** What the journal keeps on disk (no message content, no token). */
interface JournalFile {
  readonly version: 1;
  /** When the bot first started with this data directory, Unix ms. */
  readonly firstStartedAt: number;
  /** The highest update id handled. */
  readonly lastUpdateId: number;
  /** The most recent handled update ids (webhooks may deliver out of order). */
  readonly recent: readonly number[];
}

const RECENT = 512;

/**
 * Remembers which Telegram updates were handled, in a small JSON file in `DATA_DIR`, so a
 * restart never answers an update twice: the core's {@link HandledLog} port, keyed by the update
 * id (as a string); the core's intake gate decides, the journal keeps. It bounds itself (the
 * last 512 ids, and every id at least 512 below the highest), so it needs no `forget`. Writes are
 * atomic (temporary file + rename) and serialised.
 */
export interface UpdateJournal extends HandledLog {
  /** True when the bot had never started with this data directory before. */
  readonly firstStart: boolean;
  /** When the bot first started with this data directory, Unix ms. */
  readonly firstStartedAt: number;
  /** True when the update with this id (`String(update_id)`) was handled already. */
  has(updateId: string): boolean;
  /** Records the update as handled and persists it; resolves once it is on disk. */
  add(updateId: string, sentAt: number): Promise<void>;
}

/**
 * Opens (or creates) the journal of one bot in `dataDir`.
 *
 * @param botId the bot's Telegram id (one file per bot, so two bots can share a directory)
 * @throws Error when the directory cannot be created or the file cannot be written.
 */
export async function openUpdateJournal(dataDir: string, botId: number, now: () => number): Promise<UpdateJournal> {
  await mkdir(dataDir, { recursive: true });
  const path = join(dataDir, `telegram-${botId}.json`);
  let stored: JournalFile | undefined;
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<JournalFile>;
    if (parsed.version === 1 && typeof parsed.lastUpdateId === 'number' && typeof parsed.firstStartedAt === 'number') {
      stored = {
        version: 1,
        firstStartedAt: parsed.firstStartedAt,
        lastUpdateId: parsed.lastUpdateId,
        recent: Array.isArray(parsed.recent) ? parsed.recent : [],
      };
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && !(error instanceof SyntaxError)) throw error;
  }
  const firstStart = stored === undefined;
  const firstStartedAt = stored?.firstStartedAt ?? now();
  let lastUpdateId = stored?.lastUpdateId ?? 0;
  const recent = new Set<number>(stored?.recent ?? []);
  let writing: Promise<void> = Promise.resolve();

  const persist = (): Promise<void> => {
    const body: JournalFile = { version: 1, firstStartedAt, lastUpdateId, recent: [...recent] };
    const temporary = `${path}.${process.pid}.tmp`;
    writing = writing.then(async () => {
      await writeFile(temporary, JSON.stringify(body));
      await rename(temporary, path);
    });
    return writing;
  };
  if (firstStart) await persist();

  return {
    firstStart,
    firstStartedAt,
    has: (id) => {
      const updateId = Number(id);
      return recent.has(updateId) || updateId <= lastUpdateId - RECENT;
    },
    add: (id) => {
      const updateId = Number(id);
      recent.add(updateId);
      if (recent.size > RECENT) {
        const oldest = recent.values().next().value;
        if (oldest !== undefined) recent.delete(oldest);
      }
      lastUpdateId = Math.max(lastUpdateId, updateId);
      return persist();
    },
  };
}
