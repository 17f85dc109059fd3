import type { IncomingMessage, ServerResponse } from 'node:http';
import { isEmptyMessage, messageLimitViolations } from './message-limits.js';
import { memberPayload, snowflake, type MessagePayload } from './payloads.js';
import type { BotMessageRecord, DiscordState, InteractionRecord, SentFile } from './state.js';

/** An answer of a route: status and JSON body (or none for 204). */
interface Answer {
  readonly status: number;
  readonly body?: unknown;
}

/** A parsed request body: JSON fields plus uploaded files (multipart). */
interface Body {
  readonly json: Record<string, unknown>;
  readonly files: SentFile[];
}

const error = (status: number, code: number, message: string, errors?: Record<string, string>): Answer => ({
  status,
  body: { code, message, ...(errors === undefined ? {} : { errors: nest(errors) }) },
});

/** `{'embeds.0.title': 'm'}` → Discord's nested `{ embeds: { 0: { title: { _errors: [...] } } } }`. */
function nest(flat: Record<string, string>): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [path, message] of Object.entries(flat)) {
    let node = root;
    for (const part of path.split('.')) node = (node[part] ??= {}) as Record<string, unknown>;
    node['_errors'] = [{ code: 'BASE_TYPE_INVALID', message }];
  }
  return root;
}

async function readBody(request: IncomingMessage): Promise<Body> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const type = request.headers['content-type'] ?? '';
  if (raw.length === 0) return { json: {}, files: [] };
  if (type.startsWith('multipart/form-data')) {
    const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
    const files: SentFile[] = [];
    let json: Record<string, unknown> = {};
    for (const [key, value] of form.entries()) {
      if (key === 'payload_json' && typeof value === 'string') json = JSON.parse(value) as Record<string, unknown>;
      else if (typeof value !== 'string')
        files.push({ name: value.name, contentType: value.type, data: new Uint8Array(await value.arrayBuffer()) });
    }
    return { json, files };
  }
  return { json: JSON.parse(raw.toString('utf8')) as Record<string, unknown>, files: [] };
}

/** Mentions a message would ping, computed like Discord from content and `allowed_mentions`. */
function mentionsOf(
  state: DiscordState,
  body: Record<string, unknown>,
  content: string,
): { everyone: boolean; users: string[] } {
  const allowed = body['allowed_mentions'] as
    { parse?: string[]; users?: string[]; replied_user?: boolean } | undefined;
  const parse = allowed?.parse ?? (allowed === undefined ? ['users', 'roles', 'everyone'] : []);
  const everyone = parse.includes('everyone') && /@(everyone|here)/.test(content);
  const users = [...content.matchAll(/<@!?(\d+)>/g)]
    .map((m) => m[1] ?? '')
    .filter((id) => parse.includes('users') || (allowed?.users ?? []).includes(id));
  const reference = body['message_reference'] as { message_id?: string } | undefined;
  const replied = reference?.message_id === undefined ? undefined : state.messages.get(reference.message_id);
  if (replied !== undefined && (allowed === undefined || allowed.replied_user === true)) users.push(replied.author.id);
  return { everyone, users };
}

function createBotMessage(
  state: DiscordState,
  channelId: string,
  body: Body,
  extra: { interactionId?: string; ephemeral?: boolean },
): BotMessageRecord {
  const channel = state.channels.get(channelId);
  const content = typeof body.json['content'] === 'string' ? body.json['content'] : '';
  const mentions = mentionsOf(state, body.json, content);
  const reference = body.json['message_reference'] as { message_id?: string } | undefined;
  const id = snowflake();
  const message: MessagePayload = {
    id,
    channel_id: channelId,
    ...(channel?.guild_id === undefined ? {} : { guild_id: channel.guild_id }),
    author: state.bot,
    content,
    embeds: Array.isArray(body.json['embeds']) ? (body.json['embeds'] as unknown[]) : [],
    attachments: body.files.map((f) => ({
      id: snowflake(),
      filename: f.name,
      size: f.data.length,
      content_type: f.contentType,
      url: `https://cdn.invalid/${f.name}`,
      proxy_url: `https://cdn.invalid/${f.name}`,
    })),
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    tts: false,
    mention_everyone: mentions.everyone,
    mentions: mentions.users.map((u) => ({
      id: u,
      username: `user${u}`,
      discriminator: '0',
      global_name: null,
      avatar: null,
    })),
    mention_roles: [],
    pinned: false,
    type: reference?.message_id === undefined ? 0 : 19,
    flags: extra.ephemeral === true ? 64 : 0,
    components: [],
    ...(reference?.message_id === undefined
      ? {}
      : { message_reference: { message_id: reference.message_id, channel_id: channelId } }),
  };
  state.messages.set(id, message);
  const record: BotMessageRecord = {
    message,
    body: body.json,
    files: body.files,
    ephemeral: extra.ephemeral === true,
    ...(extra.interactionId === undefined ? {} : { interactionId: extra.interactionId }),
  };
  state.botMessages.push(record);
  return record;
}

function validate(body: Body): Answer | undefined {
  const violations = messageLimitViolations(body.json);
  if (Object.keys(violations).length > 0) return error(400, 50035, 'Invalid Form Body', violations);
  if (isEmptyMessage(body.json, body.files.length > 0)) return error(400, 50006, 'Cannot send an empty message');
  return undefined;
}

function editMessage(state: DiscordState, record: BotMessageRecord, body: Body): Answer {
  const invalid = validate({
    json: { content: record.message.content, embeds: record.message.embeds, ...body.json },
    files: body.files,
  });
  if (invalid !== undefined) return invalid;
  const message = record.message;
  if (typeof body.json['content'] === 'string') message.content = body.json['content'];
  if (Array.isArray(body.json['embeds'])) message.embeds = body.json['embeds'] as unknown[];
  const mentions = mentionsOf(state, body.json, message.content);
  message.mention_everyone = message.mention_everyone || mentions.everyone;
  message.edited_timestamp = new Date().toISOString();
  Object.assign(record.body, body.json);
  state.changed();
  return { status: 200, body: message };
}

function interactionCallback(
  state: DiscordState,
  interaction: InteractionRecord | undefined,
  body: Body,
  withResponse: boolean,
): Answer {
  if (interaction === undefined) return error(404, 10062, 'Unknown interaction');
  if (interaction.callbacks.length > 0) return error(400, 40060, 'Interaction has already been acknowledged.');
  if (Date.now() - interaction.createdAt > state.behaviour.interactionWindowMs)
    return error(404, 10062, 'Unknown interaction');
  const type = Number(body.json['type']);
  const data = body.json['data'] as Record<string, unknown> | undefined;
  const ephemeral = (Number(data?.['flags'] ?? 0) & 64) !== 0;
  if (type === 4) {
    const invalid = validate({ json: data ?? {}, files: body.files });
    if (invalid !== undefined) return invalid;
    interaction.original = createBotMessage(
      state,
      interaction.channelId,
      { json: data ?? {}, files: body.files },
      { interactionId: interaction.id, ephemeral },
    );
    interaction.ephemeral = ephemeral;
  } else if (type === 5) {
    interaction.deferred = true;
    interaction.ephemeral = ephemeral;
  } else if (type === 9) {
    interaction.modal = data;
  } else if (![1, 6, 7, 8].includes(type)) {
    return error(400, 50035, 'Invalid Form Body', { type: `Value must be one of {1, 4, 5, 6, 7, 8, 9}.` });
  }
  interaction.callbacks.push({ type, data });
  state.changed();
  if (!withResponse) return { status: 204 };
  const callback = {
    id: interaction.id,
    type: interaction.kind === 'command' ? 2 : 5,
    response_message_id: interaction.original?.message.id ?? null,
    response_message_loading: type === 5,
    response_message_ephemeral: ephemeral,
  };
  return {
    status: 200,
    body: {
      interaction: callback,
      resource: { type, ...(interaction.original === undefined ? {} : { message: interaction.original.message }) },
    },
  };
}

function webhookRoute(state: DiscordState, method: string, parts: string[], body: Body): Answer {
  const [, app, token, sub, messageId] = parts;
  const interaction = [...state.interactions.values()].find((i) => i.token === token);
  if (app !== state.applicationId || interaction === undefined || interaction.callbacks.length === 0)
    return error(404, 10015, 'Unknown Webhook');
  if (sub === undefined && method === 'POST') {
    const invalid = validate(body);
    if (invalid !== undefined) return invalid;
    const ephemeral = (Number(body.json['flags'] ?? 0) & 64) !== 0;
    const record = createBotMessage(state, interaction.channelId, body, { interactionId: interaction.id, ephemeral });
    interaction.followUps.push(record);
    state.changed();
    return { status: 200, body: record.message };
  }
  if (sub !== 'messages' || messageId === undefined) return error(404, 0, '404: Not Found');
  const target =
    messageId === '@original' ? interaction.original : interaction.followUps.find((f) => f.message.id === messageId);
  if (method === 'GET')
    return target === undefined ? error(404, 10008, 'Unknown Message') : { status: 200, body: target.message };
  if (method === 'DELETE') {
    if (target === undefined) return error(404, 10008, 'Unknown Message');
    state.deleted.push({ channelId: interaction.channelId, messageId: target.message.id, reason: undefined });
    state.changed();
    return { status: 204 };
  }
  if (method === 'PATCH') {
    if (target !== undefined) return editMessage(state, target, body);
    if (messageId !== '@original' || !interaction.deferred) return error(404, 10008, 'Unknown Message');
    const invalid = validate(body);
    if (invalid !== undefined) return invalid;
    interaction.original = createBotMessage(state, interaction.channelId, body, {
      interactionId: interaction.id,
      ephemeral: interaction.ephemeral,
    });
    state.changed();
    return { status: 200, body: interaction.original.message };
  }
  return error(405, 0, '405: Method Not Allowed');
}

/** Routes one request below `/api/v10`; `parts` is the decoded path split at `/`. */
export async function route(
  state: DiscordState,
  method: string,
  parts: string[],
  query: URLSearchParams,
  request: IncomingMessage,
  authorized: boolean,
): Promise<Answer> {
  const body = await readBody(request);
  const [head] = parts;
  if (head === 'interactions' && parts[3] === 'callback' && method === 'POST') {
    return interactionCallback(
      state,
      state.interactions.get(parts[1] ?? ''),
      body,
      query.get('with_response') === 'true',
    );
  }
  if (head === 'webhooks') return webhookRoute(state, method, parts, body);
  if (!authorized) return error(401, 0, '401: Unauthorized');
  const path = parts.join('/');
  if (method === 'GET' && path === 'gateway/bot') {
    return {
      status: 200,
      body: {
        url: state.gatewayUrl,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 },
      },
    };
  }
  if (method === 'GET' && path === 'users/@me') return { status: 200, body: state.bot };
  if (method === 'POST' && path === 'users/@me/channels') {
    const recipientId = String(body.json['recipient_id'] ?? '');
    const existing = [...state.channels.values()].find((c) => c.type === 1 && c.recipient?.id === recipientId);
    const channel = existing ?? state.directChannel(recipientId);
    return {
      status: 200,
      body: {
        id: channel.id,
        type: 1,
        recipients: channel.recipient === undefined ? [] : [channel.recipient],
        last_message_id: null,
      },
    };
  }
  if (method === 'GET' && head === 'guilds' && parts[2] === 'members' && parts.length === 4) {
    const member = parts[1] === state.guildId ? state.members.get(parts[3] ?? '') : undefined;
    return member === undefined
      ? error(404, 10007, 'Unknown Member')
      : { status: 200, body: memberPayload(member.user, member.roles) };
  }
  if (head === 'applications' && parts[1] === state.applicationId) {
    const guildId = parts[2] === 'guilds' ? parts[3] : undefined;
    if (parts[parts.length - 1] !== 'commands') return error(404, 0, '404: Not Found');
    const list = guildId === undefined ? state.globalCommands : (state.guildCommands.get(guildId) ?? []);
    if (method === 'GET') return { status: 200, body: list };
    if (method === 'PUT') return state.overwriteCommands(guildId, body.json);
  }
  if (head === 'channels') {
    const channel = state.channels.get(parts[1] ?? '');
    if (channel === undefined) return error(404, 10003, 'Unknown Channel');
    const [, , sub, messageId] = parts;
    if (method === 'GET' && sub === undefined) {
      return {
        status: 200,
        body:
          channel.type === 1
            ? { id: channel.id, type: 1, recipients: [channel.recipient], last_message_id: null }
            : { ...channel, position: 0, permission_overwrites: [] },
      };
    }
    if (method === 'POST' && sub === 'typing') return { status: 204 };
    if (sub === 'messages' && messageId === undefined && method === 'POST') {
      const invalid = validate(body);
      if (invalid !== undefined) return invalid;
      if (channel.type === 1 && state.behaviour.closedDirectMessages.has(channel.recipient?.id ?? '')) {
        return error(403, 50007, 'Cannot send messages to this user');
      }
      const nonce =
        body.json['enforce_nonce'] === true && body.json['nonce'] !== undefined
          ? `${channel.id}:${String(body.json['nonce'])}`
          : undefined;
      const earlier = nonce === undefined ? undefined : state.nonces.get(nonce);
      if (earlier !== undefined) return { status: 200, body: earlier };
      const record = createBotMessage(state, channel.id, body, {});
      if (nonce !== undefined) state.nonces.set(nonce, record.message);
      state.dispatchMessage(record.message);
      state.changed();
      return { status: 200, body: record.message };
    }
    if (sub === 'messages' && messageId !== undefined) {
      const message = state.messages.get(messageId);
      if (message === undefined || message.channel_id !== channel.id) return error(404, 10008, 'Unknown Message');
      if (method === 'DELETE') {
        const own = message.author.id === state.bot.id;
        if (!own && channel.type === 1) return error(403, 50003, 'Cannot execute action on a DM channel');
        if (!own && !state.behaviour.manageMessages) return error(403, 50013, 'Missing Permissions');
        state.messages.delete(messageId);
        const reason = request.headers['x-audit-log-reason'];
        state.deleted.push({
          channelId: channel.id,
          messageId,
          reason: typeof reason === 'string' ? decodeURIComponent(reason) : undefined,
        });
        state.changed();
        return { status: 204 };
      }
      const record = state.botMessages.find((r) => r.message.id === messageId);
      if (method === 'PATCH')
        return record === undefined
          ? error(403, 50005, 'Cannot edit a message authored by another user')
          : editMessage(state, record, body);
      if (method === 'GET') return { status: 200, body: message };
    }
  }
  return error(404, 0, '404: Not Found');
}

/** Writes an answer with Discord's headers. */
export function writeAnswer(response: ServerResponse, answer: Answer, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  if (answer.body === undefined) {
    response.writeHead(answer.status).end();
    return;
  }
  response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
}
