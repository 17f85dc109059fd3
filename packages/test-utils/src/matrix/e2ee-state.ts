/** A to-device message waiting for its device. */
export interface ToDeviceMessage {
  readonly sender: string;
  readonly type: string;
  readonly content: Record<string, unknown>;
  /** The stream position it was queued at; a sync with a later `since` has delivered it. */
  readonly pos: number;
}

/** One device of a user: its published keys and what waits for it. */
export interface StoredDevice {
  readonly userId: string;
  readonly deviceId: string;
  /** The signed `device_keys` object, once uploaded. */
  keys: Record<string, unknown> | undefined;
  /** `algorithm:id` → key object. */
  readonly oneTimeKeys: Map<string, unknown>;
  /** `algorithm:id` → key object (used when the one-time keys run out). */
  readonly fallbackKeys: Map<string, unknown>;
  readonly inbox: ToDeviceMessage[];
}

/**
 * The end-to-end encryption side of the homeserver stand-in: which device each access token
 * belongs to, the devices' identity, one-time and fallback keys, to-device inboxes and the
 * stream positions of device-list changes. Stream positions come from the room stream
 * (`bump`), so a long-poll wakes for a to-device message as for an event.
 */
export class E2eeState {
  /** token → device id. */
  private readonly tokenDevices = new Map<string, string>();
  /** `${userId} ${deviceId}` → device. */
  readonly devices = new Map<string, StoredDevice>();
  /** user id → stream position of the latest change of its device list. */
  readonly deviceListChanges = new Map<string, number>();

  /** `${userId} ${deviceId}` → to-device messages held back (see {@link E2eeState.holdToDevice}). */
  private readonly held = new Map<string, { sender: string; type: string; content: Record<string, unknown> }[]>();

  constructor(private readonly bump: () => number) {}

  /** Holds to-device messages for a device until {@link E2eeState.releaseToDevice} (a remote server's late EDU). */
  holdToDevice(userId: string, deviceId: string): void {
    this.held.set(`${userId} ${deviceId}`, []);
  }

  /** Delivers the held messages (after whatever was sent meanwhile) and stops holding. */
  releaseToDevice(userId: string, deviceId: string): void {
    const key = `${userId} ${deviceId}`;
    const messages = this.held.get(key) ?? [];
    this.held.delete(key);
    const device = this.device(userId, deviceId);
    for (const m of messages) device.inbox.push({ ...m, pos: this.bump() });
  }

  /** Binds an access token to a device id (a login). */
  bindToken(token: string, deviceId: string): void {
    this.tokenDevices.set(token, deviceId);
  }

  /** The device of a token (`STATSBOT` when none was bound, as for every pre-E2EE test). */
  deviceOf(token: string): string {
    return this.tokenDevices.get(token) ?? 'STATSBOT';
  }

  /** The device (created empty on first use). */
  device(userId: string, deviceId: string): StoredDevice {
    const key = `${userId} ${deviceId}`;
    let device = this.devices.get(key);
    if (!device) {
      device = { userId, deviceId, keys: undefined, oneTimeKeys: new Map(), fallbackKeys: new Map(), inbox: [] };
      this.devices.set(key, device);
    }
    return device;
  }

  /** Devices of a user that have uploaded keys. */
  devicesOf(userId: string): StoredDevice[] {
    return [...this.devices.values()].filter((d) => d.userId === userId && d.keys !== undefined);
  }

  /** Records that a user's device list changed (new device or keys). */
  deviceListChanged(userId: string): void {
    this.deviceListChanges.set(userId, this.bump());
  }

  /** Queues a to-device message for one device, or every device of the user for `*`. */
  sendToDevice(sender: string, type: string, userId: string, deviceId: string, content: Record<string, unknown>): void {
    const targets = deviceId === '*' ? this.devicesOf(userId) : [this.device(userId, deviceId)];
    for (const target of targets) {
      const held = this.held.get(`${target.userId} ${target.deviceId}`);
      if (held) held.push({ sender, type, content });
      else target.inbox.push({ sender, type, content, pos: this.bump() });
    }
  }

  /** Forgets every to-device message the device received in a sync before `since`. */
  acknowledge(device: StoredDevice, since: number): void {
    const keep = device.inbox.filter((m) => m.pos > since);
    device.inbox.splice(0, device.inbox.length, ...keep);
  }

  /** Forgets a device and its keys (a lost device the operator removed). */
  removeDevice(userId: string, deviceId: string): void {
    this.devices.delete(`${userId} ${deviceId}`);
    this.deviceListChanged(userId);
  }
}
