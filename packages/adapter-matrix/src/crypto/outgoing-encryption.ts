/** An event ready to PUT in place of a plain one. */
export interface SealedEvent {
  readonly type: string;
  readonly content: Record<string, unknown>;
}

/** An attachment encrypted for an encrypted room: upload `data`, then send `file(url)` as `content.file`. */
export interface EncryptedAttachmentUpload {
  readonly data: Uint8Array;
  file(url: string): Record<string, unknown>;
}

/** What the sender asks of the crypto just before it PUTs an event or uploads media. */
export interface OutgoingEncryption {
  /** The `m.room.encrypted` event to send instead, or undefined for a room without encryption. */
  encryptEvent(roomId: string, type: string, content: Record<string, unknown>): Promise<SealedEvent | undefined>;
  /** The encrypted bytes and `file` object for an encrypted room, or undefined for a room without encryption. */
  encryptAttachment(roomId: string, bytes: Uint8Array): Promise<EncryptedAttachmentUpload | undefined>;
  /** After an event sealed by `encryptEvent` went out: upkeep that should not delay a send (key re-sharing). */
  afterSend(roomId: string): Promise<void>;
}
