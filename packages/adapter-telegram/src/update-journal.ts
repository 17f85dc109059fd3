import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

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
 * restart never answers an update twice. Writes are atomic (temporary file + rename) and
 * serialised.
 */
export interface UpdateJournal {
  /** True when the bot had never started with this data directory before. */
  readonly firstStart: boolean;
  /** When the bot first started with this data directory, Unix ms. */
  readonly firstStartedAt: number;
  /** True when `updateId` was handled already. */
  seen(updateId: number): boolean;
  /** Records `updateId` as handled and persists it. */
  done(updateId: number): Promise<void>;
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
    seen: (updateId) => recent.has(updateId) || updateId <= lastUpdateId - RECENT,
    done: (updateId) => {
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
