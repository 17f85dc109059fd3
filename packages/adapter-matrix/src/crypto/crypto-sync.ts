/** A Matrix event as the sync answer carries it (JSON). */
export type MatrixEvent = Record<string, unknown>;

/** The parts of a `/sync` answer the crypto reads (and, for held events, writes back). */
export interface CryptoSync {
  to_device?: { events?: unknown[] };
  device_lists?: { changed?: string[]; left?: string[] };
  device_one_time_keys_count?: Record<string, number>;
  device_unused_fallback_key_types?: string[];
  rooms?: {
    join?: Record<string, { timeline?: { events?: MatrixEvent[] }; state?: { events?: MatrixEvent[] } }>;
  };
}
