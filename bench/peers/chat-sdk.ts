import {
  Chat,
  Message,
  parseMarkdown,
  type Adapter,
  type AdapterPostableMessage,
  type Author,
  type ChatInstance,
  type StateAdapter,
} from 'chat';
import { createMemoryState } from '@chat-adapter/state-memory';
import type { Subject } from '../lib/sequential.js';
import { rollReply } from './workload.js';

const THREAD = 'bench:room:main';
const CHANNEL = 'bench:room';

const user: Author = { userId: 'U1', userName: 'alice', fullName: 'Alice', isBot: false, isMe: false };

/** The text of whatever a handler posted. */
function textOf(message: AdapterPostableMessage): string {
  if (typeof message === 'string') return message;
  if ('markdown' in message && typeof message.markdown === 'string') return message.markdown;
  if ('raw' in message && typeof message.raw === 'string') return message.raw;
  return JSON.stringify(message);
}

/**
 * A minimal in-memory Chat SDK adapter: its own webhook path is the bench calling
 * `chat.processMessage` / `chat.processSlashCommand` as a platform adapter does after parsing a
 * webhook; posts are kept so the bench can check the reply.
 */
class BenchAdapter implements Adapter<string, unknown> {
  readonly name = 'bench';
  readonly userName = 'statsbench';
  lastPost = '';
  private posted = 0;

  async initialize(_chat: ChatInstance): Promise<void> {}
  encodeThreadId(platformData: string): string {
    return platformData;
  }
  decodeThreadId(threadId: string): string {
    return threadId;
  }
  channelIdFromThreadId(_threadId: string): string {
    return CHANNEL;
  }
  parseMessage(_raw: unknown): Message<unknown> {
    throw new Error('the bench builds messages itself');
  }
  renderFormatted(): string {
    return '';
  }
  async postMessage(
    threadId: string,
    message: AdapterPostableMessage,
  ): Promise<{ id: string; threadId: string; raw: unknown }> {
    this.lastPost = textOf(message);
    this.posted += 1;
    return { id: `out-${this.posted}`, threadId, raw: {} };
  }
  async postChannelMessage(
    channelId: string,
    message: AdapterPostableMessage,
  ): Promise<{ id: string; threadId: string; raw: unknown }> {
    return this.postMessage(channelId, message);
  }
  async editMessage(threadId: string, messageId: string): Promise<{ id: string; threadId: string; raw: unknown }> {
    return { id: messageId, threadId, raw: {} };
  }
  async deleteMessage(): Promise<void> {}
  async addReaction(): Promise<void> {}
  async removeReaction(): Promise<void> {}
  async startTyping(): Promise<void> {}
  async fetchMessages(): Promise<{ messages: Message<unknown>[] }> {
    return { messages: [] };
  }
  async fetchThread(threadId: string): Promise<{ id: string; channelId: string; metadata: Record<string, unknown> }> {
    return { id: threadId, channelId: CHANNEL, metadata: {} };
  }
  async handleWebhook(): Promise<Response> {
    return new Response('not used', { status: 404 });
  }
}

/** A started Chat SDK instance with `ping` and `roll` as message patterns and slash commands. */
export interface ChatSdkBench {
  readonly chat: Chat;
  /** A subject that sends `text` through `chat.processMessage` (dedup, thread lock, pattern handlers). */
  message(label: string, text: string): Subject;
  /** A subject that sends `/command text` through `chat.processSlashCommand`. */
  slash(label: string, command: string, text: string): Subject;
  stop(): Promise<void>;
}

/**
 * Starts a Chat SDK instance on the memory state adapter with the bench adapter, handlers
 * registered with `onNewMessage` and `onSlashCommand`, plus `extra` filler commands on both.
 */
export async function startChatSdk(extra = 0): Promise<ChatSdkBench> {
  const adapter = new BenchAdapter();
  // @chat-adapter/state-memory 4.41.0 declares its types against chat 4.41.0 (bench has 4.41.1);
  // at run time it imports nothing from chat, so only the declared types differ.
  const state = createMemoryState() as unknown as StateAdapter;
  const chat = new Chat({ userName: adapter.userName, adapters: { bench: adapter }, state, logger: 'error' });
  registerChatSdkCommands(chat, extra);
  await chat.initialize();
  let nextId = 0;
  return {
    chat,
    message: (label, text) => {
      // Parsing the platform's text into the AST is adapter work, not dispatch: done once.
      const formatted = parseMarkdown(text);
      return {
        label,
        send: async () => {
          nextId += 1;
          const message = new Message<unknown>({
            id: `in-${nextId}`,
            threadId: THREAD,
            text,
            formatted,
            author: user,
            metadata: { dateSent: new Date(), edited: false },
            attachments: [],
            raw: {},
          });
          await chat.processMessage(adapter, THREAD, message);
          return adapter.lastPost;
        },
      };
    },
    slash: (label, command, text) => ({
      label,
      send: async () => {
        await chat.processSlashCommand({ adapter, channelId: CHANNEL, command, text, user, raw: {} }, undefined);
        return adapter.lastPost;
      },
    }),
    stop: () => chat.shutdown(),
  };
}

const ROLL_TEXT = /^(\d+) (\d+) (\S+)$/;

/** Registers `ping` and `roll` (plus `extra` fillers) with `onNewMessage` and `onSlashCommand`. */
export function registerChatSdkCommands(chat: Chat, extra = 0): void {
  chat.onNewMessage(/^!ping$/, async (thread) => {
    await thread.post('pong');
  });
  chat.onNewMessage(/^!roll (\d+) (\d+) (\S+)$/, async (thread, message) => {
    const match = ROLL_TEXT.exec(message.text.slice('!roll '.length));
    if (match === null) return;
    await thread.post(rollReply(Number(match[1]), Number(match[2]), match[3] ?? ''));
  });
  chat.onSlashCommand('/ping', async (event) => {
    await event.channel.post('pong');
  });
  chat.onSlashCommand('/roll', async (event) => {
    const match = ROLL_TEXT.exec(event.text);
    if (match === null) {
      await event.channel.post('usage: /roll <count> <sides> <label>');
      return;
    }
    await event.channel.post(rollReply(Number(match[1]), Number(match[2]), match[3] ?? ''));
  });
  for (let i = 0; i < extra; i += 1) {
    chat.onNewMessage(new RegExp(`^!filler${i}$`), async (thread) => {
      await thread.post(`filler ${i}`);
    });
    chat.onSlashCommand(`/filler${i}`, async (event) => {
      await event.channel.post(`filler ${i}`);
    });
  }
}
