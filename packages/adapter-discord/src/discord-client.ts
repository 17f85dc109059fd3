import { ConfigError, type AdapterContext } from '@stats/core';
import { Client, DiscordAPIError, Events, GatewayIntentBits, Partials } from 'discord.js';
import { NO_MENTIONS } from './outgoing.js';

type Logger = AdapterContext['logger'];
type MakeRequest = NonNullable<NonNullable<ConstructorParameters<typeof Client>[0]['rest']>['makeRequest']>;

/**
 * REST requests go through Node's global fetch: @discordjs/rest's default strategy (undici 6)
 * picks up the process-wide undici dispatcher, and once undici 7 (the core's sources) has
 * installed it, file uploads fail inside it ("action is not a function"). Global fetch
 * serializes FormData itself, so charts upload whatever undici the process also loads.
 */
const globalFetch = ((url: string, init: unknown) => fetch(url, init as RequestInit)) as unknown as MakeRequest;

/** A one-line description of a failure, with interaction and webhook tokens masked. */
export function describeError(error: unknown): string {
  if (error instanceof DiscordAPIError) {
    const url = error.url.replace(/\/(interactions|webhooks)\/(\d+)\/[^/?]+/, '/$1/$2/<token>');
    return `${error.method.toUpperCase()} ${url}: ${error.status} ${String(error.code)} ${error.message}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * A discord.js client for the adapter: Guilds, GuildMessages and DirectMessages intents (plus
 * MessageContent when asked), DM channels as partials, no mention parsing, REST at `apiUrl`.
 */
export function createDiscordClient(options: {
  readonly apiUrl?: string | undefined;
  readonly messageContent?: boolean | undefined;
}): Client {
  const intents = [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, GatewayIntentBits.DirectMessages];
  if (options.messageContent === true) intents.push(GatewayIntentBits.MessageContent);
  return new Client({
    intents,
    partials: [Partials.Channel],
    allowedMentions: NO_MENTIONS,
    rest: { ...(options.apiUrl === undefined ? {} : { api: options.apiUrl }), makeRequest: globalFetch },
  });
}

/** Bridges the client's warnings, errors, connection state and rate-limit waits into the log. */
export function watchClient(client: Client, log: Logger, setConnected: (connected: boolean) => void): void {
  client.on(Events.Warn, (warning) => log.warn({ warning }, 'discord.js warning'));
  client.on(Events.Error, (error) => log.error({ err: describeError(error) }, 'discord.js error'));
  client.on(Events.ShardDisconnect, (event) => {
    setConnected(false);
    log.warn({ code: event.code }, 'gateway disconnected');
  });
  client.on(Events.ShardReconnecting, () => {
    setConnected(false);
    log.info('gateway reconnecting');
  });
  client.on(Events.ShardResume, (_shard, replayed) => {
    setConnected(true);
    log.info({ replayed }, 'gateway resumed');
  });
  client.on(Events.ShardReady, () => setConnected(true));
  client.rest.on('rateLimited', (info) =>
    log.info(
      { route: info.route, retryAfterMs: info.retryAfter, global: info.global, scope: info.scope },
      'Discord rate limit: waiting',
    ),
  );
}

const codeOf = (error: unknown): unknown => (error instanceof Error && 'code' in error ? error.code : undefined);

/**
 * Logs in and waits until the client is ready (READY and every guild).
 *
 * @throws ConfigError naming `DISCORD_TOKEN` when Discord refuses the token, or
 *   `DISCORD_MESSAGE_CONTENT` when the MessageContent intent is not enabled for the app.
 */
export async function loginAndWait(client: Client, token: string): Promise<void> {
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(token);
    await ready;
  } catch (error) {
    await client.destroy();
    const text = describeError(error);
    if (codeOf(error) === 'TokenInvalid' || /TokenInvalid|invalid token|401/i.test(text)) {
      throw new ConfigError(['DISCORD_TOKEN'], 'Discord refused the bot token (DISCORD_TOKEN)');
    }
    if (codeOf(error) === 'DisallowedIntents' || /disallowed intent/i.test(text)) {
      throw new ConfigError(
        ['DISCORD_MESSAGE_CONTENT'],
        'Discord refused the MessageContent intent: enable it for the app in the developer portal, or unset DISCORD_MESSAGE_CONTENT',
      );
    }
    throw error;
  }
}
