import { connect } from '@hpo/client';
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
describePostgres('kill -9 of one server under load', (stores) => {
  let store: TestStore;
  let servers: ServerProcess[] = [];
  beforeAll(async () => {
    store = await stores.open();
    servers = await Promise.all([0, 1, 2].map(() => spawnServer(['--database-url', store.url!])));
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
      // A third of the way in, with every worker mid-loop.
      if (acknowledged === Math.floor((WORKERS * BUDGET) / 3)) killed = servers[0].kill();
    };
    const results = await Promise.all(
      range(WORKERS).map((i) =>
        runWorker({
          target,
          studyName: 'server-crash',
          searchSpace: { x: { kind: 'float', low: -5, high: 5 }, n: { kind: 'int', low: 0, high: 1000 } },
          workerId: `w${i}`,
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
