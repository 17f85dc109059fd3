/**
 * The part of Hubot 14's public API the benchmarks drive. Hubot ships JavaScript without type
 * declarations; these mirror `hubot/index.mjs` and its `src/*.mjs` (14.1.0) for what we call.
 */
declare module 'hubot' {
  /** A chat user; extra options become fields (`name`, `room`). */
  export class User {
    constructor(id: string, options?: Record<string, unknown>);
    readonly id: string;
    name: string;
    room?: string;
  }

  /** The base of every message Hubot receives. */
  export class Message {
    constructor(user: User, done?: boolean);
    user: User;
    room: string | undefined;
    done: boolean;
  }

  /** A message with text, as an adapter hands it to `robot.receive`. */
  export class TextMessage extends Message {
    constructor(user: User, text: string, id: string);
    text: string;
    id: string;
  }

  /** Where a reply goes. */
  export interface Envelope {
    readonly room: string | undefined;
    readonly user: User;
    readonly message: Message;
  }

  /** What a listener callback receives. */
  export class Response {
    readonly message: TextMessage;
    readonly match: RegExpMatchArray;
    send(...strings: string[]): Promise<unknown>;
    reply(...strings: string[]): Promise<unknown>;
  }

  /** An argument of a registered command (`robot.commands.register`). */
  export interface CommandArgSpec {
    readonly type: 'string' | 'number' | 'boolean' | 'enum' | 'user' | 'room' | 'date';
    readonly required?: boolean;
    readonly default?: unknown;
    readonly values?: readonly string[];
  }

  /** A command for the command bus. */
  export interface CommandSpec {
    readonly id: string;
    readonly description?: string;
    readonly aliases?: readonly string[];
    readonly args?: Readonly<Record<string, CommandArgSpec>>;
    readonly confirm?: 'never' | 'always' | 'if_ambiguous';
    readonly sideEffects?: readonly string[];
    handler(ctx: { readonly args: Record<string, unknown>; readonly context: unknown }): unknown;
  }

  /** Hubot's command system (`robot.commands`). */
  export class CommandBus {
    register(spec: CommandSpec, opts?: { readonly update?: boolean }): unknown;
  }

  /** The robot: listeners, middleware and the adapter. */
  export class Robot {
    constructor(
      adapter: string | { use(robot: Robot): Promise<Adapter> | Adapter },
      httpd?: boolean,
      name?: string,
      alias?: string | false,
    );
    readonly name: string;
    readonly commands: CommandBus;
    adapter: Adapter | null;
    hear(regex: RegExp, callback: (res: Response) => unknown): void;
    respond(regex: RegExp, callback: (res: Response) => unknown): void;
    receive(message: Message): Promise<unknown>;
    loadAdapter(adapterPath?: string | null): Promise<void>;
    run(): Promise<void>;
    shutdown(): void;
  }

  /** The base class of Hubot adapters. */
  export class Adapter {
    constructor(robot: Robot);
    readonly robot: Robot;
    send(envelope: Envelope, ...strings: string[]): Promise<void>;
    reply(envelope: Envelope, ...strings: string[]): Promise<void>;
    run(): Promise<void>;
    close(): void;
  }
}
