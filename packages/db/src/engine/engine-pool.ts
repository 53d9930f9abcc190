import pg from 'pg';

// The schema engine reads pg_catalog columns of Postgres's internal one-byte type "char"
// (pg_constraint.contype, pg_class.relkind, ...). @prisma/adapter-pg has no column-type mapping for
// that OID and fails the whole query with "Unsupported column type char". pg already returns such
// values as one-character strings, so reporting the column as text is exact.
const CHAR_OID = 18;
const TEXT_OID = 25;

type Callback = (err: Error | null, result?: unknown) => void;

function charColumnsAsText<T>(result: T): T {
  const results: unknown[] = Array.isArray(result) ? result : [result];
  for (const r of results) {
    const fields = (r as { fields?: { dataTypeID: number }[] } | null)?.fields;
    for (const field of fields ?? []) {
      if (field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

/** A pg.Client whose results never report the "char" type (see above). */
class EngineClient extends pg.Client {
  // pg's query() has callback, promise and submittable forms; all but submittables (unused by the
  // adapter) pass through the rewrite.
  override query(...args: unknown[]): never {
    const [config, values, callback] = args as [unknown, unknown, unknown];
    const query = super.query.bind(this) as (...a: unknown[]) => unknown;
    if (typeof (config as { submit?: unknown } | null)?.submit === 'function') {
      return query(...args) as never;
    }
    if (typeof values === 'function') {
      const cb = values as Callback;
      return query(config, (err: Error | null, res: unknown) => cb(err, res && charColumnsAsText(res))) as never;
    }
    if (typeof callback === 'function') {
      const cb = callback as Callback;
      return query(config, values, (err: Error | null, res: unknown) => cb(err, res && charColumnsAsText(res))) as never;
    }
    return (query(config, values) as Promise<unknown>).then(charColumnsAsText) as never;
  }
}

/** Pool for the schema engine's connections: reporting "char" columns as text. */
export function createEnginePool(connectionString: string): pg.Pool {
  return new pg.Pool({ connectionString, Client: EngineClient as unknown as new () => pg.ClientBase });
}
