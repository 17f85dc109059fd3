import {
  KeysClaimRequest,
  KeysQueryRequest,
  KeysUploadRequest,
  type OlmMachine,
  type RoomMessageRequest,
  SignatureUploadRequest,
  ToDeviceRequest,
} from '@matrix-org/matrix-sdk-crypto-wasm';
import type { MatrixClient } from 'matrix-bot-sdk';
import { withRetry } from '../retry.js';

/** A request the `OlmMachine` asks to have sent to the homeserver. */
export type OutgoingRequest =
  | KeysUploadRequest
  | KeysQueryRequest
  | KeysClaimRequest
  | ToDeviceRequest
  | SignatureUploadRequest
  | RoomMessageRequest;

/** What {@link RequestSender} is built from. */
export interface RequestSenderParts {
  readonly machine: OlmMachine;
  readonly client: MatrixClient;
  /**
   * Called before each to-device message goes out: writes the store ahead of it. An Olm message
   * steps its session's ratchet, and one sent but not on disk would be used again after a crash,
   * which the recipient refuses (the room key in it lost). It should not reject: the message
   * goes anyway.
   */
  readonly beforeToDevice: () => Promise<void>;
}

/**
 * Sends the `OlmMachine`'s requests (keys upload, query, claim, to-device, signatures, room
 * messages) to the homeserver with the adapter's retries, and marks each sent with the
 * homeserver's answer. Call under the crypto's lock: the machine expects them in its order.
 */
export class RequestSender {
  constructor(private readonly p: RequestSenderParts) {}

  /** Sends one request and marks it sent; rejects (unmarked) when the homeserver could not take it. */
  async send(request: OutgoingRequest): Promise<void> {
    const { client } = this.p;
    const call = (method: 'POST' | 'PUT', path: string, body: string): Promise<unknown> =>
      withRetry(() => client.doRequest(method, `/_matrix/client/v3${path}`, null, JSON.parse(body) as unknown), {
        what: 'crypto',
      });
    let answer: unknown;
    if (request instanceof KeysUploadRequest) answer = await call('POST', '/keys/upload', request.body);
    else if (request instanceof KeysQueryRequest) answer = await call('POST', '/keys/query', request.body);
    else if (request instanceof KeysClaimRequest) answer = await call('POST', '/keys/claim', request.body);
    else if (request instanceof SignatureUploadRequest)
      answer = await call('POST', '/keys/signatures/upload', request.body);
    else if (request instanceof ToDeviceRequest) {
      await this.p.beforeToDevice();
      answer = await call(
        'PUT',
        `/sendToDevice/${encodeURIComponent(request.event_type)}/${encodeURIComponent(request.txn_id)}`,
        request.body,
      );
    } else {
      const path = `/rooms/${encodeURIComponent(request.room_id)}/send/${encodeURIComponent(request.event_type)}/${encodeURIComponent(request.txn_id)}`;
      answer = await call('PUT', path, request.body);
    }
    if (request.id !== undefined)
      await this.p.machine.markRequestAsSent(request.id, request.type, JSON.stringify(answer));
  }

  /** Sends everything the machine has queued, in its order; returns how many. */
  async flush(): Promise<number> {
    const requests = (await this.p.machine.outgoingRequests()) as OutgoingRequest[];
    for (const request of requests) await this.send(request);
    return requests.length;
  }
}
