/**
 * The processes the spawn helpers started and that have not exited yet, so a setup file can
 * kill what a failing (or forgetful) test file left running.
 */

/** One live child the registry can stop. */
export interface TrackedChild {
  /** Kills the process (its whole group when it leads one) and resolves once it has exited. */
  kill(): Promise<void>;
}

const live = new Set<TrackedChild>();

/** Adds `child` until `exited` settles. */
export function track(child: TrackedChild, exited: Promise<unknown>): void {
  live.add(child);
  void exited.finally(() => live.delete(child));
}

/** How many spawned processes are still running. */
export function liveProcessCount(): number {
  return live.size;
}

/**
 * Kills every spawned process still running (SIGKILL, whole group for detached ones) and
 * resolves once all have exited; returns how many there were. The process setup file calls it
 * after each test file.
 */
export async function killSpawnedProcesses(): Promise<number> {
  const left = [...live];
  await Promise.all(left.map((child) => child.kill()));
  return left.length;
}
