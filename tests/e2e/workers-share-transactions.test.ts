import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, type HpoClient } from '@hpo/client';
import { describeStores, type TestStore } from '../support/test-database.js';
import { type RestartableServer, serveForSdk } from '../clients/typescript/served-store.js';

const WORKERS = 16;
const TRIALS_PER_WORKER = 20;

describeStores('concurrent workers over gRPC share transactions', (stores) => {
  let store: TestStore;
  let server: RestartableServer;
  const clients: HpoClient[] = [];
  beforeAll(async () => {
    store = await stores.open();
    server = await serveForSdk(store);
    for (let w = 0; w < WORKERS; w++) clients.push(await connect(server.address));
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
    await store.close();
  });

  it('groups the TellAndAsk calls of 16 workers, each on its own connection, into far fewer transactions than calls', async () => {
    await clients[0].createStudy({ name: 'shared', direction: 'minimize', sampler: { random: {} } });
    const space = { x: { kind: 'float', low: 0, high: 1 } } as const;
    await Promise.all(
      clients.map(async (client) => {
        const study = await client.loadStudy('shared');
        let trial = await study.ask(space);
        for (let i = 0; i < TRIALS_PER_WORKER; i++) {
          const { next } = await study.tellAndAsk(trial, Number(trial.params.x), space);
          trial = next!;
        }
        await study.tell(trial, 0);
      }),
    );
    // Every ask writes its request id in its batch's transaction, and a row's xmin is that transaction.
    const { rows } = await sql<{ asks: number; transactions: number }>`
      select count(*)::int as asks, count(distinct xmin::text)::int as transactions from request_ids where method = 'Ask'`.execute(store.db);
    expect(rows[0].asks).toBe(WORKERS * (TRIALS_PER_WORKER + 1));
    // On the embedded store, whose statements run synchronously, every batch carried one call until a transaction
    // let the calls that arrived meanwhile be received before taking its own.
    expect(rows[0].transactions).toBeLessThan(rows[0].asks / 3);
    const trials = await clients[0].loadStudy('shared').then((s) => s.trials());
    expect(trials).toHaveLength(WORKERS * (TRIALS_PER_WORKER + 1));
    expect(new Set(trials.map((t) => t.number)).size).toBe(trials.length);
    expect(trials.every((t) => t.state === 'COMPLETE')).toBe(true);
  });
});
