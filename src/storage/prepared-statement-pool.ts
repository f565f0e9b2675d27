import { createHash } from 'node:crypto';
import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';
import type pg from 'pg';

/** Most named statements one connection prepares; later texts run unnamed on it. */
export const MAX_PREPARED_PER_CONNECTION = 96;
// Longer texts are one-offs (a statement whose text grows with a batch); naming them would only fill the quota.
const MAX_NAMED_TEXT_LENGTH = 4_096;
// Process-wide text → name memo, so a hot statement costs one map lookup, not a hash; bounded like the quotas.
const MAX_REMEMBERED_TEXTS = 2_048;

const namesByText = new Map<string, string>();

function statementName(text: string): string {
  let name = namesByText.get(text);
  if (name === undefined) {
    name = `hpo_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    if (namesByText.size >= MAX_REMEMBERED_TEXTS) namesByText.clear();
    namesByText.set(text, name);
  }
  return name;
}

/**
 * A client whose parameterised statements run as named prepared statements: pg parses a name once per
 * connection and afterwards sends only Bind/Execute, so Postgres skips parsing and analysis (openDatabase still
 * has each execution planned for its parameters). Statements without parameters (BEGIN, COMMIT, SET, migration
 * DDL) keep the simple protocol, unnamed: DDL must never sit in a statement cache. A prepared statement fails
 * with "cached plan must not change result type" once a table it reads changed shape; migrations run before
 * the server serves, and their own parameterised statements only touch hpo_migrations, whose shape never changes.
 */
class NamedStatementClient implements PostgresPoolClient {
  readonly #client: pg.PoolClient;
  // Names this connection was asked to prepare (pg itself skips the Parse of one it already parsed).
  readonly #prepared = new Set<string>();

  constructor(client: pg.PoolClient) {
    this.#client = client;
  }

  query<R>(text: string, values: readonly unknown[]): Promise<PostgresQueryResult<R>>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  query<R>(textOrCursor: string | PostgresCursor<R>, values: readonly unknown[] = []): Promise<PostgresQueryResult<R>> | PostgresCursor<R> {
    const client = this.#client as unknown as PostgresPoolClient;
    if (typeof textOrCursor !== 'string') return client.query(textOrCursor);
    const text = textOrCursor;
    if (values.length === 0 || text.length > MAX_NAMED_TEXT_LENGTH) return client.query<R>(text, values);
    const name = statementName(text);
    if (!this.#prepared.has(name)) {
      if (this.#prepared.size >= MAX_PREPARED_PER_CONNECTION) return client.query<R>(text, values);
      this.#prepared.add(name);
    }
    return this.#client.query({ name, text, values: values as unknown[] }) as unknown as Promise<PostgresQueryResult<R>>;
  }

  release(destroy?: boolean): void {
    this.#client.release(destroy);
  }
}

/**
 * The pool kysely's PostgresDialect is given for the Postgres store: hands out each pg client wrapped once
 * (the wrapper keeps that connection's prepared names), so kysely's own per-client state stays per connection.
 */
export function namedStatementPool(pool: pg.Pool): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, NamedStatementClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let named = wrapped.get(client);
      if (named === undefined) {
        named = new NamedStatementClient(client);
        wrapped.set(client, named);
      }
      return named;
    },
    end: () => pool.end(),
  };
}
