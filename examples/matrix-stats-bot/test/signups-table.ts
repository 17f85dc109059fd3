import type pg from 'pg';

/** A sign-ups table in the test database and the `GROWTH_QUERY` that reads it per day. */
export interface SignupsTable {
  /** The `GROWTH_QUERY` for this table (`$1` is the time zone). */
  readonly growthQuery: string;
  /** Drops the table; never throws (teardown). */
  drop(): Promise<void>;
}

/**
 * Creates `name` with one sign-up a day at this time of day, today and the 11 days before:
 * 7 in the last week, 4 in the week before.
 */
export async function createSignupsTable(db: pg.Pool, name: string): Promise<SignupsTable> {
  await db.query(`CREATE TABLE ${name} (created_at timestamptz NOT NULL)`);
  await db.query(`INSERT INTO ${name} SELECT now() - (i || ' days')::interval FROM generate_series(0, 11) AS i`);
  return {
    growthQuery: `SELECT to_char(date_trunc('day', created_at AT TIME ZONE $1), 'YYYY-MM-DD') AS day, count(*)::bigint AS signups FROM ${name} GROUP BY 1 ORDER BY 1`,
    drop: async () => {
      await db.query(`DROP TABLE IF EXISTS ${name}`).catch(() => undefined);
    },
  };
}
