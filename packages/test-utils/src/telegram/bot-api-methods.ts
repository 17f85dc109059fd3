/**
 * The Bot API methods of the stand-in, except the long poll: each takes the payload and answers
 * a result or throws {@link ApiFailure}, which the server turns into the error envelope.
 */
import { randomUUID } from 'node:crypto';
import { registerSecret } from '../log-scan.js';
import type { BotApiState, ChatRecord } from './bot-api-state.js';
import type { SentByBot, TgMessage, TgPhotoSize, WebhookState } from './bot-api-types.js';
import type { FilePart } from './multipart.js';
import { EntityParseError, parseTelegramHtml, type ParsedText } from './telegram-html.js';

/** An error answer of the Bot API: `error_code` and `description`. */
export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  constructor(
    readonly status: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

/** What the non-polling methods need besides the payload. */
export interface MethodContext {
  readonly state: BotApiState;
  readonly files: Readonly<Record<string, FilePart>>;
  /** Command menus by scope type (`default`, `all_private_chats`, `all_group_chats`, …). */
  readonly commands: Map<string, { command: string; description: string }[]>;
  readonly webhook: { value: WebhookState | undefined };
  readonly chatActions: { chatId: number; action: string }[];
  readonly deleted: { chatId: number; messageId: number }[];
  /** Called after setWebhook so pending updates get delivered. */
  readonly onWebhookSet: () => void;
}

const bad = (description: string): ApiFailure => new ApiFailure(400, `Bad Request: ${description}`);

function chatOf(context: MethodContext, payload: Record<string, unknown>): ChatRecord {
  const id = Number(payload['chat_id']);
  const record = context.state.chats.get(id);
  if (!record && context.state.users.has(id))
    throw new ApiFailure(403, "Forbidden: bot can't initiate conversation with a user");
  if (!record) throw bad('chat not found');
  return record;
}

function parseText(raw: string, parseMode: unknown): ParsedText {
  if (parseMode === undefined) return { text: raw, entities: [] };
  if (parseMode !== 'HTML') throw bad(`unsupported parse_mode ${String(parseMode)} in the stand-in`);
  try {
    return parseTelegramHtml(raw);
  } catch (error) {
    if (error instanceof EntityParseError) throw bad(`can't parse entities: ${error.message}`);
    throw error;
  }
}

function replyTarget(record: ChatRecord, payload: Record<string, unknown>): TgMessage | undefined {
  const parameters = payload['reply_parameters'] as
    { message_id?: number; allow_sending_without_reply?: boolean } | undefined;
  const id = parameters?.message_id ?? (payload['reply_to_message_id'] as number | undefined);
  if (id === undefined) return undefined;
  const target = record.messages.get(Number(id));
  const allow = parameters?.allow_sending_without_reply === true || payload['allow_sending_without_reply'] === true;
  if (!target && !allow) throw bad('message to be replied not found');
  return target;
}

function pngSize(data: Buffer): { width: number; height: number } {
  const isPng = data.length >= 24 && data.subarray(1, 4).toString('latin1') === 'PNG';
  return isPng ? { width: data.readUInt32BE(16), height: data.readUInt32BE(20) } : { width: 0, height: 0 };
}

function record(context: MethodContext, sent: SentByBot): void {
  context.state.sent.push(sent);
  context.state.changed();
}

/** Records a message the bot sent, with what it asked for (raw text, parse mode, reply, thread). */
function recordSent(
  context: MethodContext,
  sent: {
    readonly method: 'sendMessage' | 'sendPhoto';
    readonly payload: Record<string, unknown>;
    readonly message: TgMessage;
    readonly raw: string;
    readonly parsed: ParsedText;
    readonly photo: Buffer | undefined;
  },
): void {
  const { payload, message, parsed } = sent;
  record(context, {
    method: sent.method,
    chatId: message.chat.id,
    messageId: message.message_id,
    raw: sent.raw,
    text: parsed.text,
    entities: parsed.entities,
    parseMode: payload['parse_mode'] as string | undefined,
    replyTo: message.reply_to_message?.message_id,
    threadId: payload['message_thread_id'] === undefined ? undefined : Number(payload['message_thread_id']),
    photo: sent.photo,
  });
}

function sendMessage(context: MethodContext, payload: Record<string, unknown>): TgMessage {
  const chat = chatOf(context, payload);
  const raw = typeof payload['text'] === 'string' ? payload['text'] : '';
  if (raw.length === 0) throw bad('message text is empty');
  if (Buffer.byteLength(raw) > 32_768) throw bad('Text is too long');
  const parsed = parseText(raw, payload['parse_mode']);
  if (parsed.text.trim().length === 0) throw bad('message text is empty');
  if (parsed.text.length > 4096) throw bad('message is too long');
  const target = replyTarget(chat, payload);
  const message = context.state.store(chat, {
    date: context.state.seconds(),
    from: context.state.bot,
    text: parsed.text,
    ...(parsed.entities.length > 0 ? { entities: parsed.entities } : {}),
    ...(target ? { reply_to_message: target } : {}),
  });
  recordSent(context, { method: 'sendMessage', payload, message, raw, parsed, photo: undefined });
  return message;
}

function sendPhoto(context: MethodContext, payload: Record<string, unknown>): TgMessage {
  const chat = chatOf(context, payload);
  const reference = String(payload['photo'] ?? '');
  const attached = reference.startsWith('attach://') ? context.files[reference.slice('attach://'.length)] : undefined;
  if (!attached || attached.data.length === 0) throw bad('there is no photo in the request');
  const raw = typeof payload['caption'] === 'string' ? payload['caption'] : '';
  const parsed = parseText(raw, payload['parse_mode']);
  if (parsed.text.length > 1024) throw bad('message caption is too long');
  const target = replyTarget(chat, payload);
  const size = pngSize(attached.data);
  const photo: TgPhotoSize = {
    file_id: randomUUID(),
    file_unique_id: randomUUID().slice(0, 8),
    ...size,
    file_size: attached.data.length,
  };
  const message = context.state.store(chat, {
    date: context.state.seconds(),
    from: context.state.bot,
    photo: [photo],
    ...(parsed.text.length > 0 ? { caption: parsed.text } : {}),
    ...(parsed.entities.length > 0 ? { caption_entities: parsed.entities } : {}),
    ...(target ? { reply_to_message: target } : {}),
  });
  recordSent(context, { method: 'sendPhoto', payload, message, raw, parsed, photo: attached.data });
  return message;
}

function editMessageText(context: MethodContext, payload: Record<string, unknown>): TgMessage {
  const chat = chatOf(context, payload);
  const id = Number(payload['message_id']);
  const message = chat.messages.get(id);
  if (!message) throw bad('message to edit not found');
  if (message.from?.id !== context.state.bot.id) throw bad("message can't be edited");
  const raw = typeof payload['text'] === 'string' ? payload['text'] : '';
  if (raw.length === 0) throw bad('message text is empty');
  const parsed = parseText(raw, payload['parse_mode']);
  if (parsed.text.length > 4096) throw bad('message is too long');
  if (parsed.text === message.text && JSON.stringify(parsed.entities) === JSON.stringify(message.entities ?? [])) {
    throw bad(
      'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
  }
  const edited: TgMessage = {
    ...message,
    text: parsed.text,
    entities: parsed.entities,
    edit_date: context.state.seconds(),
  };
  chat.messages.set(id, edited);
  const sent = context.state.sent.find((entry) => entry.chatId === chat.chat.id && entry.messageId === id);
  if (sent) sent.edited = { raw, text: parsed.text };
  context.state.changed();
  return edited;
}

function deleteMessage(context: MethodContext, payload: Record<string, unknown>): true {
  const chat = chatOf(context, payload);
  const id = Number(payload['message_id']);
  const message = chat.messages.get(id);
  if (!message) throw bad('message to delete not found');
  const own = message.from?.id === context.state.bot.id;
  if (!own && chat.chat.type !== 'private' && !chat.botIsAdmin) throw bad("message can't be deleted");
  chat.messages.delete(id);
  context.deleted.push({ chatId: chat.chat.id, messageId: id });
  context.state.changed();
  return true;
}

function setMyCommands(context: MethodContext, payload: Record<string, unknown>): true {
  const commands = payload['commands'];
  if (!Array.isArray(commands)) throw bad('commands must be an array');
  const checked = commands.map((entry: unknown) => {
    const { command, description } = (entry ?? {}) as { command?: unknown; description?: unknown };
    if (typeof command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command)) throw bad('BOT_COMMAND_INVALID');
    if (typeof description !== 'string' || description.length < 1 || description.length > 256)
      throw bad('command description is empty or too long');
    return { command, description };
  });
  const scope = (payload['scope'] as { type?: string } | undefined)?.type ?? 'default';
  context.commands.set(scope, checked);
  context.state.changed();
  return true;
}

function setWebhook(context: MethodContext, payload: Record<string, unknown>): true {
  const url = payload['url'];
  const secret = payload['secret_token'];
  if (typeof secret === 'string') registerSecret(secret, 'Telegram webhook secret');
  if (typeof url !== 'string') throw bad('bad webhook: url is required');
  if (secret !== undefined && (typeof secret !== 'string' || !/^[A-Za-z0-9_-]{1,256}$/.test(secret))) {
    throw bad('secret token contains unallowed characters');
  }
  if (url === '') {
    context.webhook.value = undefined;
  } else {
    context.webhook.value = { url, secret: secret as string | undefined };
    context.onWebhookSet();
  }
  if (payload['drop_pending_updates'] === true) context.state.updates.splice(0);
  context.state.changed();
  return true;
}

/**
 * Runs one non-polling method.
 *
 * @throws ApiFailure for an error answer (404 for an unknown method).
 */
export function runMethod(context: MethodContext, method: string, payload: Record<string, unknown>): unknown {
  const state = context.state;
  switch (method) {
    case 'getme':
      return state.bot;
    case 'sendmessage':
      return sendMessage(context, payload);
    case 'sendphoto':
      return sendPhoto(context, payload);
    case 'editmessagetext':
      return editMessageText(context, payload);
    case 'deletemessage':
      return deleteMessage(context, payload);
    case 'setmycommands':
      return setMyCommands(context, payload);
    case 'getmycommands':
      return context.commands.get((payload['scope'] as { type?: string } | undefined)?.type ?? 'default') ?? [];
    case 'sendchataction':
      chatOf(context, payload);
      context.chatActions.push({ chatId: Number(payload['chat_id']), action: String(payload['action']) });
      state.changed();
      return true;
    case 'answercallbackquery':
      return true;
    case 'leavechat': {
      const record = chatOf(context, payload);
      state.chats.delete(record.chat.id);
      state.left.push(record.chat.id);
      state.changed();
      return true;
    }
    case 'setwebhook':
      return setWebhook(context, payload);
    case 'deletewebhook':
      context.webhook.value = undefined;
      if (payload['drop_pending_updates'] === true) state.updates.splice(0);
      state.changed();
      return true;
    case 'getwebhookinfo':
      return {
        url: context.webhook.value?.url ?? '',
        has_custom_certificate: false,
        pending_update_count: state.updates.length,
      };
    default:
      throw new ApiFailure(404, 'Not Found: method not found');
  }
}
