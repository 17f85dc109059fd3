import type { SentMessage } from '../../chat/index.js';

/** What the relay remembers of an alert group it posted, to edit it on resolution. */
export interface AlertGroupState {
  /** Per target (`platform|roomId`), the messages of the last post. */
  readonly messages: Readonly<Record<string, readonly SentMessage[]>>;
  /** Fingerprints already announced as firing. */
  readonly firing: readonly string[];
  /** The group's common labels (for `!ack` without arguments). */
  readonly commonLabels: Readonly<Record<string, string>>;
}

/** Where alert-group state lives: memory for one process, Redis for replicas. */
export interface AlertMessageStore {
  get(groupKey: string): Promise<AlertGroupState | undefined>;
  set(groupKey: string, state: AlertGroupState): Promise<void>;
  delete(groupKey: string): Promise<void>;
  /** The last group posted in a room (`platform|roomId`) that still fires. */
  lastInRoom(room: string): Promise<AlertGroupState | undefined>;
}

/** An {@link AlertMessageStore} in memory, keeping at most `max` groups (default 1 000). */
export function createMemoryAlertMessageStore(max = 1000): AlertMessageStore {
  const groups = new Map<string, AlertGroupState>();
  const rooms = new Map<string, string>();
  return {
    get: async (key) => groups.get(key),
    set: async (key, state) => {
      groups.delete(key);
      groups.set(key, state);
      for (const room of Object.keys(state.messages)) rooms.set(room, key);
      if (groups.size > max) {
        const oldest = groups.keys().next().value;
        if (oldest !== undefined) groups.delete(oldest);
      }
    },
    delete: async (key) => {
      groups.delete(key);
    },
    lastInRoom: async (room) => {
      const key = rooms.get(room);
      return key === undefined ? undefined : groups.get(key);
    },
  };
}
