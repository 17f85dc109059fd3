import { afterEach, describe, expect, it } from 'vitest';
import { leakError, logSink, recordLogOutput, registerSecret, takeLogLeaks } from './log-scan.js';

describe('the log scan', () => {
  afterEach(() => {
    takeLogLeaks();
  });

  it('finds a registered secret in recorded output and masks it in the report', () => {
    registerSecret('s3cret-matrix-token', 'matrix access token');
    const sink = logSink();
    sink.write('{"level":30,"msg":"fine"}\n');
    sink.write('{"level":50,"err":{"request":{"headers":{"Authorization":"Bearer s3cret-matrix-token"}}}}\n');
    recordLogOutput('stderr of a bot process\nBearer s3cret-matrix-token\n', 'bot process stderr');
    const leaks = takeLogLeaks();
    expect(leaks.map((leak) => [leak.label, leak.origin])).toEqual([
      ['matrix access token', 'logger'],
      ['matrix access token', 'bot process stderr'],
    ]);
    const message = leakError(leaks).message;
    expect(message).toContain('<matrix access token>');
    expect(message).not.toContain('s3cret-matrix-token');
  });

  it('scans each piece of output once and ignores secrets too short to mean anything', () => {
    registerSecret('short', 'too short');
    registerSecret('telegram-webhook-secret-1', 'webhook secret');
    recordLogOutput('short is a word; telegram-webhook-secret-1');
    expect(takeLogLeaks().map((leak) => leak.label)).toEqual(['webhook secret']);
    expect(takeLogLeaks()).toEqual([]);
  });
});
