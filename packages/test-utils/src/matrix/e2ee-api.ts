import type { E2eeState, StoredDevice } from './e2ee-state.js';
import type { HomeserverState, StoredUser } from './homeserver-state.js';

/** An answer of an E2EE route (same shape as the client API's). */
export interface E2eeAnswer {
  readonly status: number;
  readonly body: unknown;
}

const ok = (body: unknown): E2eeAnswer => ({ status: 200, body });
const bad = (errcode: string, error: string): E2eeAnswer => ({ status: 400, body: { errcode, error } });

function objectAt(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function counts(device: StoredDevice): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of device.oneTimeKeys.keys()) {
    const algorithm = id.slice(0, id.indexOf(':'));
    out[algorithm] = (out[algorithm] ?? 0) + 1;
  }
  return out;
}

/**
 * The E2EE routes of the Client-Server API as Synapse 1.67 serves them: `keys/upload` (a known
 * one-time key id with other key material is refused with 400, as Synapse does), `keys/query`,
 * `keys/claim` (one-time key, else the fallback key), `keys/signatures/upload` (accepted,
 * unchecked) and `sendToDevice`. Returns `undefined` for any other route.
 */
export function e2eeRoute(
  state: HomeserverState,
  e2ee: E2eeState,
  user: StoredUser,
  token: string,
  route: string,
  body: Record<string, unknown>,
): E2eeAnswer | undefined {
  const own = e2ee.device(user.userId, e2ee.deviceOf(token));
  if (route === 'POST client/v3/keys/upload') {
    const deviceKeys = body['device_keys'];
    for (const [id, key] of Object.entries(objectAt(body['one_time_keys']))) {
      const known = own.oneTimeKeys.get(id);
      if (known !== undefined && JSON.stringify(known) !== JSON.stringify(key)) {
        return bad(
          'M_INVALID_PARAM',
          `One time key ${id} already exists. Old key: ${JSON.stringify(known)}; new key: ${JSON.stringify(key)}`,
        );
      }
    }
    for (const [id, key] of Object.entries(objectAt(body['one_time_keys']))) own.oneTimeKeys.set(id, key);
    const fallback = objectAt(body['fallback_keys'] ?? body['org.matrix.msc2732.fallback_keys']);
    if (Object.keys(fallback).length > 0) {
      own.fallbackKeys.clear();
      for (const [id, key] of Object.entries(fallback)) own.fallbackKeys.set(id, key);
    }
    if (deviceKeys !== undefined && JSON.stringify(deviceKeys) !== JSON.stringify(own.keys)) {
      own.keys = objectAt(deviceKeys);
      e2ee.deviceListChanged(user.userId);
    }
    return ok({ one_time_key_counts: counts(own) });
  }
  if (route === 'POST client/v3/keys/query') {
    const deviceKeys: Record<string, Record<string, unknown>> = {};
    for (const [userId, wanted] of Object.entries(objectAt(body['device_keys']))) {
      const ids = Array.isArray(wanted) ? wanted.map(String) : [];
      const found: Record<string, unknown> = {};
      for (const device of e2ee.devicesOf(userId))
        if (ids.length === 0 || ids.includes(device.deviceId)) found[device.deviceId] = device.keys;
      deviceKeys[userId] = found;
    }
    return ok({ device_keys: deviceKeys, failures: {}, master_keys: {}, self_signing_keys: {}, user_signing_keys: {} });
  }
  if (route === 'POST client/v3/keys/claim') {
    const claimed: Record<string, Record<string, Record<string, unknown>>> = {};
    for (const [userId, wanted] of Object.entries(objectAt(body['one_time_keys']))) {
      for (const [deviceId, algorithm] of Object.entries(objectAt(wanted))) {
        const device = e2ee.devicesOf(userId).find((d) => d.deviceId === deviceId);
        if (!device) continue;
        const prefix = `${String(algorithm)}:`;
        let id = [...device.oneTimeKeys.keys()].find((k) => k.startsWith(prefix));
        let key: unknown;
        if (id !== undefined) {
          key = device.oneTimeKeys.get(id);
          device.oneTimeKeys.delete(id);
        } else {
          id = [...device.fallbackKeys.keys()].find((k) => k.startsWith(prefix));
          key = id === undefined ? undefined : device.fallbackKeys.get(id);
        }
        if (id === undefined) continue;
        (claimed[userId] ??= {})[deviceId] = { [id]: key };
      }
    }
    return ok({ one_time_keys: claimed, failures: {} });
  }
  if (route === 'POST client/v3/keys/signatures/upload') return ok({ failures: {} });
  const m = /^PUT client\/v3\/sendToDevice\/([^/]+)\/([^/]+)$/.exec(route);
  if (m) {
    const type = m[1] ?? '';
    for (const [userId, byDevice] of Object.entries(objectAt(body['messages']))) {
      if (!state.users.has(userId)) continue;
      for (const [deviceId, content] of Object.entries(objectAt(byDevice)))
        e2ee.sendToDevice(user.userId, type, userId, deviceId, objectAt(content));
    }
    return ok({});
  }
  return undefined;
}

/**
 * Adds the E2EE parts of a `/sync` answer for the token's device: `to_device` (messages queued
 * after `since`; those a previous sync delivered are forgotten once the client syncs past
 * them), `device_lists.changed` (users sharing a room with the user whose devices changed since
 * `since`), `device_one_time_keys_count` and `device_unused_fallback_key_types`. Returns
 * `undefined` when `base` is undefined and there is nothing new for the device.
 */
export function e2eeSync(
  state: HomeserverState,
  e2ee: E2eeState,
  user: StoredUser,
  token: string,
  since: number | undefined,
  base: Record<string, unknown> | undefined,
): Record<string, unknown> | undefined {
  const device = e2ee.device(user.userId, e2ee.deviceOf(token));
  if (since !== undefined) e2ee.acknowledge(device, since);
  const after = since ?? 0;
  const messages = device.inbox.filter((m) => m.pos > after);
  const changed =
    since === undefined
      ? []
      : [...e2ee.deviceListChanges.entries()]
          .filter(([userId, pos]) => pos > after && sharesRoom(state, user.userId, userId))
          .map(([userId]) => userId);
  if (!base && messages.length === 0 && changed.length === 0) return undefined;
  const response: Record<string, unknown> = base ? { ...base } : { next_batch: `s${state.head}` };
  if (messages.length > 0)
    response['to_device'] = { events: messages.map((m) => ({ sender: m.sender, type: m.type, content: m.content })) };
  if (changed.length > 0) response['device_lists'] = { changed, left: [] };
  response['device_one_time_keys_count'] = counts(device);
  response['device_unused_fallback_key_types'] = [
    ...new Set([...device.fallbackKeys.keys()].map((id) => id.slice(0, id.indexOf(':')))),
  ];
  return response;
}

function sharesRoom(state: HomeserverState, a: string, b: string): boolean {
  if (a === b) return true;
  for (const room of state.rooms.values()) {
    const ma = state.membership(room.id, a);
    const mb = state.membership(room.id, b);
    if ((ma === 'join' || ma === 'invite') && (mb === 'join' || mb === 'invite')) return true;
  }
  return false;
}
