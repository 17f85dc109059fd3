/** A token bucket: `capacity` sends at once, refilled at `perSecond`. */
export interface BucketSpec {
  readonly capacity: number;
  readonly perSecond: number;
}

/**
 * The send limits a platform publishes, as the adapter declares them
 * ({@link ChatAdapter.sendLimits}): one bucket shared by every room, and those of each room.
 * The notifier keeps every fan-out within them.
 */
export interface SendLimits {
  /** Shared by every room of the platform (the bot's global limit); none when absent. */
  readonly global?: BucketSpec;
  /** The buckets of one room (all must have a token). */
  readonly room: (roomId: string) => readonly BucketSpec[];
}
