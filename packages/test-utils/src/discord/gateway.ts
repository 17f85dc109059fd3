import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { guildPayload, snowflake } from './payloads.js';
import type { DiscordState, GatewaySession } from './state.js';

/** Gateway opcodes (Docs `topics/opcodes-and-status-codes.mdx`). */
const OP = {
  dispatch: 0,
  heartbeat: 1,
  identify: 2,
  resume: 6,
  reconnect: 7,
  invalidSession: 9,
  hello: 10,
  heartbeatAck: 11,
} as const;
const MESSAGE_CONTENT = 1 << 15;

interface Frame {
  readonly op: number;
  readonly d?: unknown;
}

/** The gateway half of the stand-in: a WebSocket endpoint speaking gateway v10 with JSON text frames. */
export class Gateway {
  private readonly server = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();
  private current: WebSocket | undefined;
  /** Sessions a resume must be refused for (op 9). */
  private readonly forgotten: GatewaySession[] = [];
  /** Dispatches the bot already had that the next resume sends again (Discord may deliver twice). */
  private replayAgain = 0;

  constructor(private readonly state: DiscordState) {}

  /** Takes over an HTTP upgrade for the gateway path. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.server.handleUpgrade(request, socket, head, (ws) =>
      this.accept(ws, new URL(request.url ?? '/', 'ws://127.0.0.1')),
    );
  }

  private accept(ws: WebSocket, url: URL): void {
    this.sockets.add(ws);
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('error', () => this.sockets.delete(ws));
    if (url.searchParams.has('compress')) {
      this.refuse(
        ws,
        4000,
        `compress=${url.searchParams.get('compress') ?? ''} is not supported by the stand-in: uninstall zlib-sync`,
      );
      return;
    }
    if (url.searchParams.get('v') !== '10' || url.searchParams.get('encoding') !== 'json') {
      this.refuse(ws, 4012, `expected ?v=10&encoding=json, got ${url.search}`);
      return;
    }
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        this.refuse(ws, 4002, 'binary frames are not decodable without compression');
        return;
      }
      this.onFrame(ws, JSON.parse(String(data)) as Frame);
    });
    this.send(ws, { op: OP.hello, d: { heartbeat_interval: this.state.behaviour.heartbeatIntervalMs } });
  }

  private refuse(ws: WebSocket, code: number, reason: string): void {
    this.state.protocolErrors.push(reason);
    this.state.changed();
    ws.close(code, reason.slice(0, 120));
  }

  private send(ws: WebSocket, frame: Record<string, unknown>): void {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ s: null, t: null, ...frame }));
  }

  private onFrame(ws: WebSocket, frame: Frame): void {
    if (frame.op === OP.heartbeat) {
      this.send(ws, { op: OP.heartbeatAck });
      return;
    }
    if (frame.op === OP.identify)
      this.identify(ws, frame.d as { token?: string; intents?: number; compress?: boolean });
    else if (frame.op === OP.resume) this.resume(ws, frame.d as { token?: string; session_id?: string; seq?: number });
  }

  private identify(ws: WebSocket, d: { token?: string; intents?: number; compress?: boolean }): void {
    if (d.token !== this.state.token) {
      this.refuse(ws, 4004, 'Authentication failed.');
      return;
    }
    const intents = Number(d.intents ?? 0);
    if ((intents & MESSAGE_CONTENT) !== 0 && !this.state.behaviour.messageContentAllowed) {
      this.refuse(ws, 4014, 'Disallowed intent(s).');
      return;
    }
    if (d.compress === true) {
      this.refuse(ws, 4000, 'identify compress is not supported by the stand-in');
      return;
    }
    const previous = this.state.session;
    const session: GatewaySession = {
      id: snowflake(),
      intents,
      seq: 0,
      sent: [],
      send: undefined,
      identifies: (previous?.identifies ?? 0) + 1,
      resumes: previous?.resumes ?? 0,
    };
    this.attach(ws, session);
    this.state.session = session;
    const { state } = this;
    state.dispatch('READY', {
      v: 10,
      user: { ...state.bot, verified: true, mfa_enabled: false, flags: 0 },
      guilds: [{ id: state.guildId, unavailable: true }],
      session_id: session.id,
      resume_gateway_url: state.gatewayUrl,
      shard: [0, 1],
      application: { id: state.applicationId, flags: 0 },
      private_channels: [],
      relationships: [],
    });
    const channels = [...state.channels.values()].filter((c) => c.guild_id === state.guildId);
    state.dispatch('GUILD_CREATE', guildPayload(state.guildId, 'Stats Test Guild', '1', channels, state.roles));
    state.changed();
  }

  private resume(ws: WebSocket, d: { token?: string; session_id?: string; seq?: number }): void {
    const session = this.state.session;
    if (
      session === undefined ||
      d.token !== this.state.token ||
      d.session_id !== session.id ||
      this.forgotten.includes(session)
    ) {
      this.send(ws, { op: OP.invalidSession, d: false });
      return;
    }
    this.attach(ws, session);
    session.resumes += 1;
    const seq = Number(d.seq ?? 0);
    const again = this.replayAgain > 0 ? session.sent.filter((frame) => frame.s <= seq).slice(-this.replayAgain) : [];
    this.replayAgain = 0;
    for (const frame of again) this.send(ws, frame);
    for (const frame of session.sent) if (frame.s > seq) this.send(ws, frame);
    this.state.dispatch('RESUMED', null);
    this.state.changed();
  }

  private attach(ws: WebSocket, session: GatewaySession): void {
    this.current = ws;
    session.send = (frame) => {
      if (ws.readyState === ws.OPEN) ws.send(frame);
    };
    ws.on('close', () => {
      if (this.current === ws) {
        this.current = undefined;
        session.send = undefined;
        this.state.changed();
      }
    });
  }

  /** True while a bot is identified (or resumed) on an open connection. */
  connected(): boolean {
    return this.current !== undefined && this.state.session?.send !== undefined;
  }

  /**
   * Drops the current connection without a close frame (a network failure); the bot should
   * resume. With `invalidateSession` the session is forgotten, so the resume gets op 9 and the
   * bot must identify afresh (events in between are lost, as on Discord). With `replayAgain`
   * the resume also sends the last that many dispatches the bot already had, a re-delivery.
   */
  drop(invalidateSession = false, replayAgain = 0): void {
    this.replayAgain = replayAgain;
    const ws = this.current;
    if (ws === undefined) throw new Error('Discord stand-in: no gateway connection to drop');
    this.current = undefined;
    if (this.state.session !== undefined) this.state.session.send = undefined;
    if (invalidateSession && this.state.session !== undefined) this.forgotten.push(this.state.session);
    ws.terminate();
    this.state.changed();
  }

  /** Asks the bot to reconnect (op 7) the way Discord does before maintenance. */
  requestReconnect(): void {
    if (this.current !== undefined) this.send(this.current, { op: OP.reconnect, d: null });
  }

  /** Closes every connection and the server. */
  async close(): Promise<void> {
    for (const ws of this.sockets) ws.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
