import pg from 'pg';

/** Runs one statement on its own connection (create or drop a scratch database, which no transaction may hold). */
export async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
