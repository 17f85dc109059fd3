/**
 * End-to-end encryption of the Matrix adapter on `@matrix-org/matrix-sdk-crypto-wasm`, its state
 * kept in `DATA_DIR/matrix-crypto.json` (an encrypted dump of the crate's IndexedDB store) and
 * `DATA_DIR/matrix-crypto.journal` (the writes since, appended at each write point).
 */
export { startRoomCrypto, CryptoUnavailable, type StartCryptoOptions } from './start-crypto.js';
export { RoomCrypto } from './room-crypto.js';
export { CRYPTO_STORE_FILE } from './crypto-store-file.js';
export { HELD_EVENTS_FILE } from './held-events.js';
export type { EncryptedAttachmentUpload, OutgoingEncryption, SealedEvent } from './outgoing-encryption.js';

/** The notice an encrypted room gets (once a day at most) for a message the bot could not decrypt. */
export const UNDECRYPTABLE_NOTICE =
  'I could not decrypt a message here (its keys did not reach my device). Please send it again; if this repeats, start a new direct chat with me.';
