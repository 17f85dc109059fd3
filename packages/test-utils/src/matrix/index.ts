/** The Matrix homeserver stand-in and its human-user helpers. */
export * from './homeserver.js';
export type { MatrixFault } from './faults.js';
export type { CreateRoomOptions, HomeserverState, StoredEvent, TypingNotice } from './homeserver-state.js';
export * from './human-user.js';
export { startEncryptedHuman, type EncryptedHuman, type ReceivedEvent } from './encrypted-human.js';
export type { E2eeState, StoredDevice, ToDeviceMessage } from './e2ee-state.js';
export {
  createBotRoom,
  createJoinedBotRoom,
  isMembership,
  waitForBotJoin,
  type BotRoom,
  type BotRoomOptions,
  type RoomMember,
  type RoomOwner,
} from './bot-room.js';
