import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../errors/index.js';
import { createBot } from '../bot.js';
import { createLogger, withErrorSerializers } from './create-logger.js';
import { serializeError } from './error-serializer.js';
import { scrubSecrets } from './scrub-secrets.js';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

const MATRIX_TOKEN = 'syt_c2VjcmV0_matrixAccessToken123';
const TELEGRAM_TOKEN = '987654321:AAH-telegram-bot-token-0123456789abc';
const WEBHOOK_SECRET = 'webhook-secret-d41d8cd98f00b204';

/** The shape matrix-bot-sdk throws on a non-2xx without errcode: the raw `request` response. */
function rawMatrixResponse(): Record<string, unknown> {
  const request = {
    method: 'PUT',
    uri: { href: 'https://hs.example/_matrix/client/v3/rooms/!r/send/m.room.message/1' },
    headers: { Authorization: `Bearer ${MATRIX_TOKEN}` },
  };
  const response: Record<string, unknown> = {
    statusCode: 502,
    statusMessage: 'Bad Gateway',
    headers: { 'content-type': 'text/html' },
    body: '<html>502 Bad Gateway</html>',
    request,
  };
  (request as Record<string, unknown>)['response'] = response;
  return response;
}

/** The shape of grammY's GrammyError on a failed setWebhook. */
function grammyError(): Error {
  return Object.assign(
    new Error("Call to 'setWebhook' failed! (400: Bad Request: bad webhook: HTTPS url must be provided for webhook)"),
    {
      name: 'GrammyError',
      method: 'setWebhook',
      payload: { url: 'http://bot.example/telegram', secret_token: WEBHOOK_SECRET },
      ok: false,
      error_code: 400,
      description: 'Bad Request: bad webhook: HTTPS url must be provided for webhook',
      parameters: { retry_after: 3 },
    },
  );
}

describe('serializeError', () => {
  it('keeps name, message, status, errcode and retry hints of an upstream error and its cause', () => {
    const cause = Object.assign(new Error('M_LIMIT_EXCEEDED: Too Many Requests'), {
      name: 'MatrixError',
      errcode: 'M_LIMIT_EXCEEDED',
      statusCode: 429,
      retryAfterMs: 1500,
      body: { errcode: 'M_LIMIT_EXCEEDED' },
    });
    const error = new UpstreamError('matrix', 429, 'matrix send: still rate-limited', 'Matrix is rate-limiting', true, {
      cause,
      retryAfterMs: 1500,
    });
    const out = serializeError(error);
    expect(out).toMatchObject({
      type: 'UpstreamError',
      message: 'matrix send: still rate-limited',
      code: 'upstream',
      status: 429,
      source: 'matrix',
      retryAfterMs: 1500,
    });
    expect(out).toHaveProperty(
      'cause',
      expect.objectContaining({ type: 'MatrixError', errcode: 'M_LIMIT_EXCEEDED', status: 429, retryAfterMs: 1500 }),
    );
    expect(JSON.stringify(out)).not.toContain('body');
  });

  it('reduces matrix-bot-sdk’s raw response to its status, dropping the request and its Authorization header', () => {
    const out = serializeError(rawMatrixResponse());
    expect(out).toEqual({ type: 'Object', message: 'HTTP 502 Bad Gateway', status: 502 });
  });

  it('drops grammY’s payload with the webhook secret but keeps method, status and retry_after', () => {
    const out = serializeError(grammyError());
    expect(out).toMatchObject({ type: 'GrammyError', method: 'setWebhook', status: 400, retry_after: 3 });
    expect(JSON.stringify(out)).not.toContain(WEBHOOK_SECRET);
  });

  it('scrubs the bot token from an HttpError’s fetch error and follows its `error` as the cause', () => {
    const fetchError = new Error(
      `request to http://127.0.0.1:1/bot${TELEGRAM_TOKEN}/setWebhook failed, reason: connect ECONNREFUSED`,
    );
    const error = Object.assign(new Error("Network request for 'setWebhook' failed!"), {
      name: 'HttpError',
      error: fetchError,
    });
    const text = JSON.stringify(serializeError(error));
    expect(text).toContain('ECONNREFUSED');
    expect(text).not.toContain(TELEGRAM_TOKEN);
  });

  it('gives the same result when run twice (a bridge serializes before the logger does)', () => {
    const once = serializeError(grammyError());
    expect(serializeError(once)).toEqual(once);
  });

  it('cuts a cause chain and survives a cycle', () => {
    let error: Error = new Error('root');
    for (let i = 0; i < 20; i += 1) error = new Error(`level ${i}`, { cause: error });
    expect(JSON.stringify(serializeError(error))).toContain('[cause chain cut]');
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(JSON.stringify(serializeError(b))).toContain('[circular]');
  });
});

describe('scrubSecrets', () => {
  it.each([
    [`https://api.telegram.org/bot${TELEGRAM_TOKEN}/getMe`, TELEGRAM_TOKEN],
    ['https://hs.example/_matrix/client/v3/sync?access_token=syt_abcdefgh&since=1', 'syt_abcdefgh'],
    ['postgres://stats:hunter2pass@db.example:5432/stats', 'hunter2pass'],
    ['redis://:p@ss-w0rd@127.0.0.1:6379/0', 'ss-w0rd'],
    ['https://discord.com/api/v10/webhooks/123456/itoken-abcdef/messages/@original', 'itoken-abcdef'],
    [`Authorization: Bearer ${MATRIX_TOKEN}`, MATRIX_TOKEN],
  ])('removes the credential from %s', (text, secret) => {
    expect(scrubSecrets(text)).not.toContain(secret);
    expect(scrubSecrets(text)).toContain('[redacted]');
  });

  it('leaves ordinary text alone', () => {
    const text =
      'Bot started: 3 rooms, https://umami.example/api/websites?startAt=1&unit=hour, http://host:8080/path@x';
    expect(scrubSecrets(text)).toBe(text);
  });

  it('leaves a stack frame in bot.ts readable (a Telegram token is digits, a colon, then the secret)', () => {
    const frame = '    at Object.start (/srv/stats/packages/core/src/bot.ts:240:11)';
    expect(scrubSecrets(frame)).toBe(frame);
  });
});

describe('loggers', () => {
  it('createLogger writes a raw SDK error without its headers or payload', async () => {
    const out = sink();
    const logger = await createLogger({ level: 'debug', destination: out.stream });
    logger.error({ err: rawMatrixResponse() }, 'send failed');
    logger.error({ error: grammyError() }, 'setWebhook failed');
    logger.error(grammyError(), 'thrown as the first argument');
    logger.info({ url: 'postgres://stats:hunter2pass@db.example/stats' }, 'connecting');
    const text = out.text();
    expect(text).toContain('"status":502');
    expect(text).toContain('setWebhook');
    for (const secret of [MATRIX_TOKEN, WEBHOOK_SECRET, 'hunter2pass']) expect(text).not.toContain(secret);
  });

  it('createBot wraps a bot author’s plain pino logger with the same serializer', async () => {
    const out = sink();
    const plain = pino({ level: 'debug' }, out.stream);
    plain.error({ err: rawMatrixResponse() }, 'the author’s own logger leaks');
    expect(out.text()).toContain(MATRIX_TOKEN);
    const safe = withErrorSerializers(plain);
    safe.error({ err: rawMatrixResponse() }, 'wrapped');
    const wrapped = out
      .text()
      .split('\n')
      .filter((line) => line.includes('wrapped'));
    expect(wrapped).toHaveLength(1);
    expect(wrapped[0]).not.toContain(MATRIX_TOKEN);
    const bot = createBot({ adapters: [], http: false, logger: plain });
    bot.logger.error({ err: rawMatrixResponse() }, 'from the bot');
    const fromBot = out
      .text()
      .split('\n')
      .filter((line) => line.includes('from the bot'));
    expect(fromBot).toHaveLength(1);
    expect(fromBot[0]).toContain('"status":502');
    expect(fromBot[0]).not.toContain(MATRIX_TOKEN);
  });
});
