/**
 * The work every library in the dispatch case does, declared once so the replies match:
 * `ping` answers `pong`; `roll <count:int> <sides:int> <label:string>` answers
 * `rolled 3d6 for dice` (no randomness, so every reply can be checked).
 */

/** The roll command's reply. */
export function rollReply(count: number, sides: number, label: string): string {
  return `rolled ${count}d${sides} for ${label}`;
}

/** The roll arguments every subject sends. */
export const ROLL_ARGS = { count: 3, sides: 6, label: 'dice' } as const;

/** The reply every subject must give to the roll message. */
export const ROLL_EXPECTED = rollReply(ROLL_ARGS.count, ROLL_ARGS.sides, ROLL_ARGS.label);
