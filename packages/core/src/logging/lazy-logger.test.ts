import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { lazyLogger } from './lazy-logger.js';

/** A lazy logger over a real pino writing JSON lines into memory, and how often it was made. */
function counted(level: string): { logger: Logger; made: () => number; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  let made = 0;
  const logger = lazyLogger(() => {
    made++;
    return pino({ level, base: null }, stream);
  }, level);
  return {
    logger,
    made: () => made,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('lazyLogger', () => {
  it('makes no real logger for lines below its level, children, or level questions', () => {
    const { logger, made } = counted('warn');
    logger.info('not shown');
    logger.debug({ a: 1 }, 'not shown');
    const child = logger.child({ component: 'x' });
    child.info('not shown either');
    child.child({ deeper: true }).trace('nor this');
    expect(logger.level).toBe('warn');
    expect(logger.isLevelEnabled('info')).toBe(false);
    expect(logger.isLevelEnabled('error')).toBe(true);
    expect(made()).toBe(0);
  });

  it('makes the real logger once, on the first line at its level, and writes it', () => {
    const { logger, made, lines } = counted('warn');
    logger.info('dropped');
    logger.warn({ n: 1 }, 'first');
    logger.error('second');
    expect(made()).toBe(1);
    expect(lines().map((l) => [l['level'], l['msg'], l['n']])).toEqual([
      [40, 'first', 1],
      [50, 'second', undefined],
    ]);
  });

  it('gives a child made before the real logger its bindings when it writes', () => {
    const { logger, made, lines } = counted('info');
    const child = logger.child({ component: 'claims' }).child({ room: '!r' });
    expect(made()).toBe(0);
    child.info('claimed');
    logger.info('root');
    expect(made()).toBe(1);
    expect(lines()).toMatchObject([{ component: 'claims', room: '!r', msg: 'claimed' }, { msg: 'root' }]);
    expect(lines()[1]).not.toHaveProperty('component');
  });

  it('hands anything else to the real logger (level changes, bindings, flush)', () => {
    const { logger, made, lines } = counted('warn');
    logger.level = 'debug';
    expect(made()).toBe(1);
    logger.debug('now shown');
    expect(logger.bindings()).toEqual({});
    expect(typeof logger.flush).toBe('function');
    expect(lines().map((l) => l['msg'])).toEqual(['now shown']);
  });

  it('never makes a silent logger', () => {
    const { logger, made } = counted('silent');
    logger.fatal('nothing');
    logger.child({ a: 1 }).error('nothing');
    expect(logger.isLevelEnabled('fatal')).toBe(false);
    expect(made()).toBe(0);
  });
});
