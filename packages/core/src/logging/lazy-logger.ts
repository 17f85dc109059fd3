import type { Bindings, ChildLoggerOptions, Level, Logger } from 'pino';

/** pino's numeric value of each level name; `silent` is above every line. */
const LEVEL_VALUES: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Number.POSITIVE_INFINITY,
};

const LINE_METHODS: readonly Level[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];

const noop = (): void => undefined;

/** How a lazy logger gets its real one: the root from the factory, a child from its parent. */
type Materialize = () => Logger;

function valueOf(level: string): number {
  const value = LEVEL_VALUES[level];
  if (value === undefined) throw new Error(`unknown log level "${level}"`);
  return value;
}

/**
 * A pino {@link Logger} that creates its real logger (and with it loads pino) on the first line
 * at or above `level`, or the first use of anything else than the line methods, `child`,
 * `level` and `isLevelEnabled`. A bot that logs nothing (the console bot at `warn`, a test bot)
 * never loads pino: it costs ~9 modules and a few MiB at start.
 *
 * `create` must return a logger at `level`; children made before the real logger exists get
 * their bindings and options replayed on it.
 *
 * @internal
 */
export function lazyLogger(create: () => Logger, level: string): Logger {
  return makeLazy(create, level);
}

function makeLazy(materialize: Materialize, level: string): Logger {
  let real: Logger | undefined;
  const get = (): Logger => (real ??= materialize());
  const threshold = valueOf(level);
  const own: Record<string | symbol, unknown> = {
    child(bindings: Bindings, options?: ChildLoggerOptions): Logger {
      if (real !== undefined) return real.child(bindings, options);
      const childLevel = options?.level ?? level;
      return makeLazy(() => get().child(bindings, options), childLevel);
    },
    isLevelEnabled(name: string): boolean {
      if (real !== undefined) return real.isLevelEnabled(name);
      const value = LEVEL_VALUES[name];
      return value !== undefined && value !== LEVEL_VALUES['silent'] && value >= threshold;
    },
  };
  for (const method of LINE_METHODS) {
    const enabled = valueOf(method) >= threshold;
    own[method] = enabled
      ? (...args: unknown[]): void => {
          (get()[method] as (...a: unknown[]) => void)(...args);
        }
      : noop;
  }
  return new Proxy(own, {
    get(target, key) {
      if (real === undefined) {
        if (key === 'level') return level;
        if (Object.hasOwn(target, key)) return target[key];
      } else if (LINE_METHODS.includes(key as Level) || key === 'child' || key === 'isLevelEnabled') {
        // Once real, every call goes straight to it (its level may have been changed).
        const value: unknown = Reflect.get(real, key);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(real) : value;
      }
      const logger = get();
      const value: unknown = Reflect.get(logger, key);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(logger) : value;
    },
    set(_target, key, value) {
      return Reflect.set(get(), key, value);
    },
    has(_target, key) {
      return Reflect.has(get(), key);
    },
  }) as unknown as Logger;
}
