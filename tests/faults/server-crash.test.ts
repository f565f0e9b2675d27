import { connect } from '@hpo/client';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describePostgres, type TestStore } from '../support/test-database.js';
import { type AcknowledgedTell, multiTarget, runWorker } from './support/fault-workers.js';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { countStates, range, readStoredTrials } from './support/stored-trials.js';

const WORKERS = 16;
const BUDGET = 30;

/**
 * Issue 7: one of three servers is killed with SIGKILL while 16 workers run through it and the other two (each
 * worker's channel spreads calls round-robin over the three addresses, as behind a service address). Calls cut
 * mid-flight fail UNAVAILABLE and the SDK retries them, with the same request id, on a live server: every worker
 * finishes its budget, and the store holds exactly the acknowledged tells — none lost, none twice, no orphan.
 */
function withApplicationName(url: string, name: string): string {
  const u = new URL(url);
  u.searchParams.set('application_name', name);
  return u.toString();
}

/** Resolves once a connection named `name` is inside a transaction (polled every millisecond, for up to 5 s). */
async function whenInTransaction(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    for (let polls = 0; polls < 5000; polls++) {
      const { rows } = await client.query(
        'select 1 from pg_stat_activity where application_name = $1 and xact_start is not null limit 1',
        [name],
      );
      if (rows.length > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  } finally {
    await client.end();
  }
}

describePostgres('kill -9 of one server under load', (stores) => {
  let store: TestStore;
  let servers: ServerProcess[] = [];
  beforeAll(async () => {
    store = await stores.open();
    // Each server's connections are named, so the test can see when one has a transaction open.
    servers = await Promise.all([0, 1, 2].map((i) => spawnServer(['--database-url', withApplicationName(store.url!, `hpo-crash-${i}`)])));
  }, 120_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await store?.close();
  });

  it('lets all 16 workers finish their budget through retries; acknowledged tells = stored, nothing duplicated', async () => {
    const admin = await connect(servers[1].address);
    await admin.createStudy({ name: 'server-crash', direction: 'minimize', sampler: { random: {} } });
    await admin.close();

    const target = multiTarget(servers.map((s) => s.port));
    let acknowledged = 0;
    const retried: string[] = [];
    let killed: Promise<number | null> | undefined;
    const onTell = () => {
      acknowledged++;
      // A third of the way in, with every worker mid-loop, at a moment server 0 has calls in flight: a transaction
      // open. (A server answers the calls of one transaction together, and round-robin workers that make the same
      // calls move over the servers in step, so right at an acknowledgement it may have none.)
      if (acknowledged === Math.floor((WORKERS * BUDGET) / 3))
        killed = whenInTransaction(store.url!, 'hpo-crash-0').then(() => servers[0].kill());
    };
    const results = await Promise.all(
      range(WORKERS).map((i) =>
        runWorker({
          target,
          studyName: 'server-crash',
          searchSpace: { x: { kind: 'float', low: -5, high: 5 }, n: { kind: 'int', low: 0, high: 1000 } },
          workerId: `w${i}`,
          tellAndAsk: i % 2 === 1,
          budget: BUDGET,
          onTell,
          onRetry: (code) => retried.push(code),
        }),
      ),
    );
    expect(killed).toBeDefined();
    await killed;
    expect(servers[0].child.signalCode).toBe('SIGKILL');
    // Calls were cut by the kill, and the SDK retried them.
    expect(retried.length).toBeGreaterThan(0);
    expect(retried.every((code) => code === 'UNAVAILABLE' || code === 'DEADLINE_EXCEEDED')).toBe(true);
    const told: AcknowledgedTell[] = results.flat();
    expect(results.map((r) => r.length)).toEqual(range(WORKERS).map(() => BUDGET));

    const stored = await readStoredTrials(store.url!, 'server-crash');
    // Exactly one stored trial per acknowledged tell: no trial from a retried ask left behind, none lost.
    expect(stored).toHaveLength(WORKERS * BUDGET);
    expect(stored.map((t) => t.number)).toEqual(range(WORKERS * BUDGET));
    expect(countStates(stored)).toEqual({ COMPLETE: WORKERS * BUDGET });
    const byId = new Map(stored.map((t) => [t.id, t]));
    expect(new Set(told.map((t) => t.trialId)).size).toBe(told.length);
    for (const t of told) expect(byId.get(t.trialId)?.values).toEqual([t.value]);
  }, 180_000);
});
