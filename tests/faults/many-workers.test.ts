import { connect } from '@hpo/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { describePostgres, type TestStore } from '../support/test-database.js';
import { type AcknowledgedTell, runWorker } from './support/fault-workers.js';
import { countStates, range, readStoredTrials } from './support/stored-trials.js';

const WORKERS = 32;

/**
 * Issue 7: three `hpo serve` processes on one Postgres, 32 concurrent workers (each its own connection and
 * worker id, spread over the servers): trial numbers stay dense and unique, a study-wide maxTrials holds
 * exactly, each grid point is handed out once, and nothing is left RUNNING.
 */
describePostgres('3 servers, 32 workers', (stores) => {
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

  async function runAll(studyName: string, space: Parameters<typeof runWorker>[0]['searchSpace']): Promise<AcknowledgedTell[]> {
    const results = await Promise.all(
      range(WORKERS).map((i) => runWorker({ target: servers[i % servers.length].address, studyName, searchSpace: space, workerId: `w${i}`, tellAndAsk: i % 2 === 1 })),
    );
    return results.flat();
  }

  it('runs exactly 2,000 trials of a random study: numbers 0..1999 once each, all COMPLETE, none RUNNING', async () => {
    const admin = await connect(servers[0].address);
    await admin.createStudy({ name: 'random-2000', direction: 'minimize', sampler: { random: {} }, maxTrials: 2000 });
    const told = await runAll('random-2000', { x: { kind: 'float', low: 0, high: 1 }, n: { kind: 'int', low: 0, high: 100 } });
    const stored = await readStoredTrials(store.url!, 'random-2000');

    expect(told).toHaveLength(2000);
    expect(stored.map((t) => t.number)).toEqual(range(2000));
    expect(countStates(stored)).toEqual({ COMPLETE: 2000 });
    // Every acknowledged tell is stored with its value, on the trial it was told for.
    const byId = new Map(stored.map((t) => [t.id, t]));
    for (const t of told) expect(byId.get(t.trialId)?.values).toEqual([t.value]);
    expect(new Set(told.map((t) => t.trialId)).size).toBe(2000);
    // Every worker took part: the load really was spread.
    const workers = new Set(stored.map((t) => t.workerId));
    expect(workers.size).toBe(WORKERS);

    const info = await (await admin.loadStudy('random-2000')).info();
    expect(info.state).toBe('DONE');
    await admin.close();
  }, 180_000);

  it('hands each point of a 20×20 grid to exactly one worker, then answers done to all 32', async () => {
    const admin = await connect(servers[1].address);
    const axis = range(20);
    await admin.createStudy({ name: 'grid-20x20', direction: 'minimize', sampler: { grid: { axes: { x: axis, y: axis } } } });
    const told = await runAll('grid-20x20', { x: { kind: 'int', low: 0, high: 19 }, y: { kind: 'int', low: 0, high: 19 } });
    const stored = await readStoredTrials(store.url!, 'grid-20x20');

    expect(told).toHaveLength(400);
    const points = told.map((t) => `${t.params.x},${t.params.y}`);
    expect(new Set(points).size).toBe(400);
    expect(stored.map((t) => t.number)).toEqual(range(400));
    expect(new Set(stored.map((t) => `${t.internal.x},${t.internal.y}`)).size).toBe(400);
    expect(countStates(stored)).toEqual({ COMPLETE: 400 });
    await admin.close();
  }, 120_000);
});
