import type { Pool, PoolClient } from 'pg';
import { StatsError, TimeoutError, UnreachableError, UpstreamError } from '../../errors/index.js';

/** Sign-ups of one calendar day (`YYYY-MM-DD` in the configured time zone). */
export interface SignupDay {
  readonly day: string;
  readonly signups: number;
}

/** User sign-ups per day, oldest first, and the total. */
export interface GrowthData {
  readonly days: readonly SignupDay[];
  readonly total: number;
}

/** Options of {@link createGrowthSource}. */
export interface GrowthSourceOptions {
  /** `postgresql://…` (never logged: it may hold a password). */
  readonly url: string;
  /**
   * A query returning rows `(day, signups)`: one per calendar day, `day` a date or
   * `YYYY-MM-DD` text. It may use `$1`, the IANA time zone. Default: the seed's `auth.users`.
   */
  readonly query?: string | undefined;
  readonly timeZone: string;
  /** `statement_timeout` in ms (default 5000). */
  readonly statementTimeoutMs?: number;
  /**
   * How long to wait for a pooled connection, in ms (default 5000). Separate from the
   * statement timeout: a short query budget must not fail a slow but healthy connect.
   */
  readonly connectTimeoutMs?: number;
}

/** User growth from the product's PostgreSQL database, read only. */
export interface GrowthSource {
  /** Sign-ups per day and the total. */
  signups(options?: { readonly signal?: AbortSignal | undefined }): Promise<GrowthData>;
  /** Closes the pool. */
  close(): Promise<void>;
}

/** The default growth query over the seed's `auth.users(created_at)`, bucketed in the zone `$1`. */
export const DEFAULT_GROWTH_QUERY =
  "SELECT to_char(date_trunc('day', created_at AT TIME ZONE $1), 'YYYY-MM-DD') AS day, count(*)::bigint AS signups FROM auth.users GROUP BY 1 ORDER BY 1";

const NAME = 'PostgreSQL';
const SOURCE = 'postgres';
const CONNECT_TIMEOUT = /timeout exceeded when trying to connect|terminated due to connection timeout/;

function dayText(value: unknown): string {
  if (value instanceof Date) {
    return `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, '0')}-${String(value.getDate()).padStart(2, '0')}`;
  }
  return String(value).slice(0, 10);
}

function classify(err: unknown): StatsError {
  if (err instanceof StatsError) return err;
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : 'unknown';
  // pg and pg-pool raise connect timeouts as plain errors without a code.
  if (code === 'unknown' && typeof e.message === 'string' && CONNECT_TIMEOUT.test(e.message)) {
    return new TimeoutError(
      SOURCE,
      `${NAME}: no connection within the connect timeout`,
      `${NAME} did not accept a connection in time. Please try again later.`,
      { cause: err },
    );
  }
  if (code === '57014')
    return new TimeoutError(
      SOURCE,
      `${NAME}: growth query cancelled by statement_timeout`,
      `${NAME} did not answer the growth query in time.`,
      { cause: err },
    );
  if (/^(ECONNREFUSED|ENOTFOUND|ECONNRESET|ETIMEDOUT|EAI_AGAIN|57P0[1-3]|08\d\d\d)$/.test(code)) {
    return new UnreachableError(SOURCE, `${NAME}: ${code}`, undefined, { cause: err });
  }
  if (code === '28P01' || code === '28000') {
    return new UpstreamError(
      SOURCE,
      0,
      `${NAME}: authentication failed (${code})`,
      `${NAME} refused the bot's login: check DATABASE_URL.`,
      false,
      { cause: err },
    );
  }
  const detail = typeof e.message === 'string' ? e.message : 'unknown error';
  return new UpstreamError(
    SOURCE,
    0,
    `${NAME}: growth query failed (${code}): ${detail}`,
    `${NAME} could not run the growth query (${code}): check GROWTH_QUERY.`,
    false,
    { cause: err },
  );
}

/**
 * Creates the growth source. `pg` is imported on first use, so a bot without `DATABASE_URL`
 * never loads it. Each read runs in a `READ ONLY` transaction with a `statement_timeout`, and
 * the query as one prepared statement (extended protocol): a query of several statements is
 * refused (42601), so it cannot `COMMIT` its way out of the read-only transaction.
 *
 * @example
 * const growth = createGrowthSource({ url: 'postgres://stats_bot@db.example/product', timeZone: 'Europe/Berlin' });
 * const { total, days } = await growth.signups({ signal });
 */
export function createGrowthSource(options: GrowthSourceOptions): GrowthSource {
  const query = options.query ?? DEFAULT_GROWTH_QUERY;
  const params = /\$1\b/.test(query) ? [options.timeZone] : [];
  const timeoutMs = Math.max(1, Math.round(options.statementTimeoutMs ?? 5000));
  const connectTimeoutMs = Math.max(1, Math.round(options.connectTimeoutMs ?? 5000));
  // A named statement forces pg's extended protocol (Parse/Bind/Execute) even without
  // parameters, and PostgreSQL parses exactly one statement there (42601 otherwise). Without a
  // name and with no `values`, pg would send the simple protocol, where `commit; create …;
  // select …` ends the READ ONLY transaction and writes. The name follows the text, so a
  // connection's prepared statement never meets a different query under the same name.
  const statement = `stats_growth_${process.getBuiltinModule('node:crypto').createHash('sha256').update(query).digest('hex').slice(0, 16)}`;
  let pool: Promise<Pool> | undefined;

  function getPool(): Promise<Pool> {
    pool ??= import('pg').then((pg) => {
      const created = new pg.default.Pool({
        connectionString: options.url,
        max: 2,
        connectionTimeoutMillis: connectTimeoutMs,
        idleTimeoutMillis: 30_000,
        allowExitOnIdle: true,
      });
      created.on('error', () => undefined);
      return created;
    });
    return pool;
  }

  async function run(client: PoolClient): Promise<GrowthData> {
    await client.query('BEGIN READ ONLY');
    try {
      await client.query(`SET LOCAL statement_timeout = ${timeoutMs}`);
      const result = await client.query<{ day: unknown; signups: unknown }>({
        name: statement,
        text: query,
        values: params,
      });
      await client.query('COMMIT');
      const days = result.rows.map((row) => ({ day: dayText(row.day), signups: Number(row.signups) }));
      if (days.some((d) => !Number.isFinite(d.signups))) {
        throw new UpstreamError(
          SOURCE,
          0,
          `${NAME}: growth query returned a non-numeric signups column`,
          `${NAME}: the growth query must return the columns day and signups.`,
          false,
        );
      }
      return { days, total: days.reduce((sum, d) => sum + d.signups, 0) };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  return {
    async signups(call) {
      const signal = call?.signal;
      if (signal?.aborted) throw new TimeoutError(SOURCE, `${NAME}: aborted before the growth query`);
      let client: PoolClient | undefined;
      let abandoned = false;
      try {
        client = await (await getPool()).connect();
        const work = run(client);
        if (signal === undefined) return await work;
        return await new Promise<GrowthData>((resolve, reject) => {
          const onAbort = (): void => {
            abandoned = true;
            reject(new TimeoutError(SOURCE, `${NAME}: caller gave up on the growth query`));
          };
          signal.addEventListener('abort', onAbort, { once: true });
          work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
        });
      } catch (err) {
        throw classify(err);
      } finally {
        // A connection still busy with an abandoned query is closed, not reused.
        client?.release(abandoned);
      }
    },
    async close() {
      if (pool !== undefined) await (await pool).end();
    },
  };
}
