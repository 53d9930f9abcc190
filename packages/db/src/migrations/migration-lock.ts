import pg from 'pg';

// Session-level advisory lock held while migrations run, so concurrent deploys (pods, CI jobs,
// test runners) apply each migration once. Keyed per database (advisory locks are scoped to the
// database they are taken in). Deliberately not Prisma's own key (72707369): the engine may take that
// one on a pooled connection, and holding it here would make the engine wait for us forever.
const MIGRATION_LOCK_KEY = 0x6d6f64656c7901n; // "modely" followed by 0x01

export interface HeldLock {
  release(): Promise<void>;
}

/** Waits for the migration lock of the database at `url`; `onWait` is called once if it is busy. */
export async function acquireMigrationLock(url: string, onWait?: () => void): Promise<HeldLock> {
  const client = new pg.Client({ connectionString: url, application_name: 'modelyard-migrate-lock' });
  await client.connect();
  try {
    const key = MIGRATION_LOCK_KEY.toString();
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS ok', [key]);
    if (!rows[0]?.ok) {
      onWait?.();
      await client.query('SELECT pg_advisory_lock($1::bigint)', [key]);
    }
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return {
    // Closing the session releases the lock even if the unlock query fails.
    release: () => client.end(),
  };
}
