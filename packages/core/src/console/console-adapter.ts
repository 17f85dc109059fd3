import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import type {
  AdapterCapabilities,
  AdapterContext,
  ChatAdapter,
  IncomingMessage,
  RoomRef,
  SendLimits,
  SentMessage,
} from '../chat/index.js';
import { plainRenderer, type Document } from '../document/index.js';

/** Options of {@link createConsoleAdapter}. */
export interface ConsoleAdapterOptions {
  readonly input?: Readable;
  readonly output?: Writable;
  /** The local user's name (default: `$USER`, else `you`). */
  readonly user?: string;
  /**
   * Called once the input ends (Ctrl-D, or a pipe closing) and every line has been answered.
   * Default: the bot stops, so a piped script ends when its input does.
   */
  readonly onEnd?: () => void;
}

const CAPABILITIES: AdapterCapabilities = {
  maxMessageLength: 100_000,
  html: false,
  images: false,
  redact: false,
  ephemeral: false,
  directRooms: true,
  edit: false,
};

/**
 * The terminal as a chat platform: each input line is a message in a direct room of one local
 * user; answers are printed as plain text. Lines are handled one after another, so piped input
 * is answered in order.
 */
export class ConsoleAdapter implements ChatAdapter {
  readonly platform = 'console';
  readonly capabilities = CAPABILITIES;
  /** A terminal has no limits to keep: no bucket. */
  readonly sendLimits: SendLimits = { room: () => [] };
  readonly #input: Readable;
  readonly #output: Writable;
  readonly #user: string;
  readonly #onEnd: (() => void) | undefined;
  readonly #room: RoomRef = { platform: 'console', id: 'console' };
  #lines: Interface | undefined;
  #ready = false;
  #next = 1;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: ConsoleAdapterOptions = {}) {
    this.#input = options.input ?? process.stdin;
    this.#output = options.output ?? process.stdout;
    this.#user = options.user ?? process.env['USER'] ?? 'you';
    this.#onEnd = options.onEnd;
  }

  async start(context: AdapterContext): Promise<void> {
    const interactive = (this.#input as { isTTY?: boolean }).isTTY === true;
    this.#lines = createInterface({
      input: this.#input,
      ...(interactive ? { output: this.#output, prompt: '> ' } : {}),
      terminal: interactive,
    });
    this.#ready = true;
    if (interactive) {
      this.#output.write(`stats console — type ${context.prefix}help (Ctrl-D to quit)\n`);
      this.#lines.prompt();
    }
    this.#lines.on('line', (line) => {
      const text = line.trim();
      if (text === '') {
        if (interactive) this.#lines?.prompt();
        return;
      }
      const message: IncomingMessage = {
        platform: 'console',
        id: `c${this.#next++}`,
        room: this.#room,
        sender: { platform: 'console', id: this.#user, displayName: this.#user },
        text,
        isDirect: true,
        receivedAt: Date.now(),
      };
      this.#queue = this.#queue
        .then(() => context.onMessage(message))
        .then(() => {
          if (interactive && this.#ready) this.#lines?.prompt();
        });
    });
    this.#lines.on('close', () => {
      this.#ready = false;
      void this.#queue.then(() => (this.#onEnd ?? (() => context.requestStop?.('end of input')))());
    });
  }

  async stop(): Promise<void> {
    this.#ready = false;
    this.#lines?.close();
    await this.#queue;
  }

  isReady(): boolean {
    return this.#ready;
  }

  async send(room: RoomRef, doc: Document): Promise<SentMessage[]> {
    this.#print(doc);
    return [{ platform: 'console', room, id: `o${this.#next++}` }];
  }

  async reply(message: IncomingMessage, doc: Document): Promise<SentMessage[]> {
    return this.send(message.room, doc);
  }

  #print(doc: Document): void {
    for (const chunk of plainRenderer.render(doc)) this.#output.write(`${chunk}\n\n`);
  }
}

/** Creates the console adapter (stdin in, stdout out by default). */
export function createConsoleAdapter(options: ConsoleAdapterOptions = {}): ConsoleAdapter {
  return new ConsoleAdapter(options);
}
