import pg from 'pg';

/** A trial as stored, read straight from Postgres (not through the server under test). */
export interface StoredTrial {
  readonly id: number;
  readonly number: number;
  readonly state: string;
  readonly values: number[] | null;
  /** Internal (sampler) value per parameter. */
  readonly internal: Record<string, number>;
  readonly systemAttrs: Record<string, unknown>;
  readonly workerId: string | null;
  readonly retryOf: number | null;
  readonly lastHeartbeatAt: Date | null;
  readonly completedAt: Date | null;
}

/** Every trial of a study, in number order. */
export async function readStoredTrials(url: string, studyName: string): Promise<StoredTrial[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `select t.id::int as id, t.number, t.state, t."values", t.params, t.system_attrs, t.worker_id, t.retry_of,
              t.last_heartbeat_at, t.completed_at
         from trials t join studies s on s.id = t.study_id
        where s.name = $1 order by t.number`,
      [studyName],
    );
    return rows.map((r) => ({
      id: r.id,
      number: r.number,
      state: r.state,
      values: r.values === null ? null : r.values.map(Number),
      internal: Object.fromEntries(Object.entries(r.params as Record<string, { internal: number }>).map(([k, v]) => [k, v.internal])),
      systemAttrs: r.system_attrs,
      workerId: r.worker_id,
      retryOf: r.retry_of,
      lastHeartbeatAt: r.last_heartbeat_at,
      completedAt: r.completed_at,
    }));
  } finally {
    await client.end();
  }
}

/** Trials per state. */
export function countStates(trials: readonly StoredTrial[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of trials) counts[t.state] = (counts[t.state] ?? 0) + 1;
  return counts;
}

/** 0, 1, …, n-1. */
export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}
