import { ConfigError } from '../errors/index.js';

/** Environment variables as `process.env` holds them. */
export type EnvVariables = Readonly<Record<string, string | undefined>>;

/**
 * Reads and checks a slice of the environment without a schema library: each getter returns the
 * value (`undefined` when unset or blank) and records a problem when the value breaks its rule;
 * {@link EnvReader.check} then throws one `ConfigError` (from `@stats/core`) naming every bad
 * variable, never a value.
 */
export interface EnvReader {
  /** Whether the variable is set to something other than blanks. */
  has(name: string): boolean;
  /** The trimmed value. */
  text(name: string): string | undefined;
  /** An `http:` or `https:` URL, without trailing slashes. */
  url(name: string): string | undefined;
  /** The trimmed value when it matches `pattern`; `rule` says what it must be ("must be …"). */
  match(name: string, pattern: RegExp, rule: string): string | undefined;
  /** A comma-separated list (blank items dropped), each item matching `pattern` when given. */
  list(name: string, pattern?: RegExp, rule?: string): string[] | undefined;
  /** `true`/`false`, `1`/`0` or `yes`/`no`. */
  flag(name: string): boolean | undefined;
  /** Records each of `needs` that is unset while `when` is set. */
  requireWith(when: string, needs: readonly string[]): void;
  /**
   * Records each of `names` that is unset while another of them is set: variables that only
   * mean something together (a URL and its token), so half a setting is refused rather than
   * silently ignored.
   */
  requireTogether(...names: readonly string[]): void;
  /** Throws the `ConfigError` naming every problem recorded so far; returns when none. */
  check(): void;
}

const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);

/**
 * A reader over `env` (default `process.env`). Adapters use it for their `fromEnv` slices, so
 * importing them loads no schema library.
 *
 * @example
 * const env = envReader({ EXAMPLE_URL: 'https://example.org/', EXAMPLE_IDS: '1, 2' });
 * const url = env.url('EXAMPLE_URL'); // 'https://example.org'
 * const ids = env.list('EXAMPLE_IDS', /^\d+$/, 'must be numeric ids, comma-separated'); // ['1', '2']
 * env.check();
 */
export function envReader(env: EnvVariables = process.env): EnvReader {
  const problems: string[] = [];
  const variables: string[] = [];
  const fail = (name: string, problem: string): undefined => {
    variables.push(name);
    problems.push(`${name} ${problem}`);
    return undefined;
  };
  const text = (name: string): string | undefined => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  return {
    has: (name) => text(name) !== undefined,
    text,
    url(name) {
      const value = text(name);
      if (value === undefined) return undefined;
      const protocol = URL.canParse(value) ? new URL(value).protocol : '';
      return protocol === 'http:' || protocol === 'https:'
        ? value.replace(/\/+$/, '')
        : fail(name, 'must be an http(s) URL');
    },
    match(name, pattern, rule) {
      const value = text(name);
      return value === undefined || pattern.test(value) ? value : fail(name, rule);
    },
    list(name, pattern, rule = `must be a comma-separated list of values matching ${String(pattern)}`) {
      const value = text(name);
      if (value === undefined) return undefined;
      const items = value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean);
      return pattern === undefined || items.every((item) => pattern.test(item)) ? items : fail(name, rule);
    },
    flag(name) {
      const value = text(name)?.toLowerCase();
      if (value === undefined) return undefined;
      return TRUE.has(value) ? true : FALSE.has(value) ? false : fail(name, 'must be true or false');
    },
    requireWith(when, needs) {
      if (text(when) === undefined) return;
      for (const need of needs) if (text(need) === undefined) fail(need, `is required when ${when} is set`);
    },
    requireTogether(...names) {
      const set = names.filter((name) => text(name) !== undefined);
      if (set.length === 0) return;
      const when = `${set.join(' and ')} ${set.length === 1 ? 'is' : 'are'}`;
      for (const name of names) if (text(name) === undefined) fail(name, `is required when ${when} set`);
    },
    check() {
      if (problems.length > 0)
        throw new ConfigError([...new Set(variables)], `Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    },
  };
}
