import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startMatrixHomeserver, type MatrixHomeserver } from './homeserver.js';

let hs: MatrixHomeserver;
beforeEach(async () => {
  hs = await startMatrixHomeserver();
});
afterEach(() => hs.stop());

async function call(
  method: string,
  path: string,
  token: string,
  body?: unknown,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${hs.url}/_matrix/client/v3${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('homeserver stand-in: end-to-end encryption endpoints', () => {
  it('names the device of each token in whoami', async () => {
    const alice = hs.human('alice');
    hs.state.e2ee.bindToken(alice.token, 'PHONE');
    expect((await call('GET', '/account/whoami', alice.token)).body).toMatchObject({
      user_id: alice.userId,
      device_id: 'PHONE',
    });
    expect((await call('GET', '/account/whoami', hs.bot.token)).body['device_id']).toBe('STATSBOT');
  });

  it('uploads, queries and claims keys: one-time keys once each, then the fallback key', async () => {
    const alice = hs.human('alice');
    hs.state.e2ee.bindToken(alice.token, 'PHONE');
    const deviceKeys = {
      user_id: alice.userId,
      device_id: 'PHONE',
      algorithms: [],
      keys: { 'curve25519:PHONE': 'c' },
      signatures: {},
    };
    const upload = await call('POST', '/keys/upload', alice.token, {
      device_keys: deviceKeys,
      one_time_keys: { 'signed_curve25519:A': { key: 'a' } },
      fallback_keys: { 'signed_curve25519:F': { key: 'f', fallback: true } },
    });
    expect(upload.body).toEqual({ one_time_key_counts: { signed_curve25519: 1 } });
    const query = await call('POST', '/keys/query', hs.bot.token, { device_keys: { [alice.userId]: [] } });
    expect((query.body['device_keys'] as Record<string, unknown>)[alice.userId]).toEqual({ PHONE: deviceKeys });
    const claim = () =>
      call('POST', '/keys/claim', hs.bot.token, { one_time_keys: { [alice.userId]: { PHONE: 'signed_curve25519' } } });
    expect((await claim()).body['one_time_keys']).toEqual({
      [alice.userId]: { PHONE: { 'signed_curve25519:A': { key: 'a' } } },
    });
    expect((await claim()).body['one_time_keys']).toEqual({
      [alice.userId]: { PHONE: { 'signed_curve25519:F': { key: 'f', fallback: true } } },
    });
  });

  it('refuses a known one-time key id with other key material, as Synapse does', async () => {
    await call('POST', '/keys/upload', hs.bot.token, { one_time_keys: { 'signed_curve25519:A': { key: 'a' } } });
    const again = await call('POST', '/keys/upload', hs.bot.token, {
      one_time_keys: { 'signed_curve25519:A': { key: 'other' } },
    });
    expect(again.status).toBe(400);
    expect(String(again.body['error'])).toContain('One time key signed_curve25519:A already exists');
  });

  it('delivers a to-device message in /sync until the client syncs past it, and reports device-list changes', async () => {
    const alice = hs.human('alice');
    hs.state.e2ee.bindToken(alice.token, 'PHONE');
    const room = alice.createRoom({ invite: [hs.bot.userId] });
    hs.state.join(room, hs.bot.userId);
    const first = (await call('GET', '/sync?timeout=0', hs.bot.token)).body;
    await call('PUT', '/sendToDevice/m.room.encrypted/t1', alice.token, {
      messages: { [hs.bot.userId]: { STATSBOT: { ciphertext: 'x' } } },
    });
    await call('POST', '/keys/upload', alice.token, {
      device_keys: { user_id: alice.userId, device_id: 'PHONE', keys: {} },
    });
    const next = (await call('GET', `/sync?timeout=0&since=${String(first['next_batch'])}`, hs.bot.token)).body;
    expect(next['to_device']).toEqual({
      events: [{ sender: alice.userId, type: 'm.room.encrypted', content: { ciphertext: 'x' } }],
    });
    expect(next['device_lists']).toEqual({ changed: [alice.userId], left: [] });
    expect(next['device_one_time_keys_count']).toEqual({});
    const after = (await call('GET', `/sync?timeout=0&since=${String(next['next_batch'])}`, hs.bot.token)).body;
    expect(after['to_device']).toBeUndefined();
  });
});
