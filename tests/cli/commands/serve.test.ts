import { status as Status } from '@grpc/grpc-js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { Direction } from '../../../src/generated/hpo/v1/study.js';
import { TrialState } from '../../../src/generated/hpo/v1/trial.js';
import { catDist, createRequest, floatDist, intDist, plain, spec, value } from '../../server/e2e-support.js';
import { checkHealth, connectHpo, rejectionOf } from '../../support/grpc-client.js';
import { spawnServer, type ServerProcess } from '../../support/spawn-server.js';
import { describePostgres, type TestStore } from '../../support/test-database.js';

/**
 * `hpo serve` as real processes: two servers on one Postgres database, many concurrent clients (issue 2's
 * concurrency checks), and SIGTERM while a call is in flight.
 */
describePostgres('hpo serve, two processes on one database', (stores) => {
  let store: TestStore;
  let servers: ServerProcess[] = [];
  beforeAll(async () => {
    // An empty database: both servers migrate it at start, at the same time (the migration lock makes that safe).
    store = await stores.openEmpty();
    servers = await Promise.all([spawnServer(['--database-url', store.url!]), spawnServer(['--database-url', store.url!])]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    await store?.close();
  });

  it('both start on one empty database, the schema applied exactly once, and answer health checks', async () => {
    for (const s of servers) expect(await checkHealth(s.address)).toBe('SERVING');
    const applied = servers.filter((s) => s.logs.some((l) => l.msg === 'migrations applied'));
    expect(applied).toHaveLength(1);
  });

  it('gives 16 clients × 50 asks on one study the trial numbers 0..799, each once', async () => {
    const admin = connectHpo(servers[0].address);
    await admin.createStudy(createRequest('concurrent'));
    const clients = Array.from({ length: 16 }, (_, i) => connectHpo(servers[i % 2].address));
    const numbers = (
      await Promise.all(
        clients.map(async (hpo, i) => {
          const mine: number[] = [];
          for (let k = 0; k < 50; k++) {
            const { trial } = await hpo.ask({
              studyName: 'concurrent',
              workerId: `w${i}`,
              requestId: '',
              searchSpace: [spec('x', floatDist(0, 1)), spec('opt', catDist('a', 'b'))],
            });
            mine.push(trial!.number);
            // Finish every other trial, so samplers and counts see a mix of states while numbers are taken.
            if (k % 2 === 0)
              await hpo.tell({ trialId: trial!.trialId, state: TrialState.TRIAL_STATE_COMPLETE, values: [k], constraints: [], workerId: `w${i}`, requestId: '', failReason: '' });
          }
          return mine;
        }),
      )
    ).flat();
    expect(numbers).toHaveLength(800);
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: 800 }, (_, i) => i));
    const { study } = await admin.getStudy({ studyName: 'concurrent' });
    expect(study?.trialCounts).toEqual({ waiting: 0, running: 400, complete: 400, pruned: 0, fail: 0 });
    for (const c of [admin, ...clients]) c.close();
  });

  it('hands each point of a 10×10 grid to exactly one of 8 concurrent clients, then says the study is done', async () => {
    const admin = connectHpo(servers[1].address);
    const axis = (name: string) => ({ name, values: Array.from({ length: 10 }, (_, i) => value(i)) });
    await admin.createStudy(createRequest('grid', { sampler: { kind: { $case: 'grid', value: { axes: [axis('x'), axis('y')] } } } }));
    const clients = Array.from({ length: 8 }, (_, i) => connectHpo(servers[i % 2].address));
    const doneReasons: string[] = [];
    const points = (
      await Promise.all(
        clients.map(async (hpo) => {
          const mine: string[] = [];
          for (;;) {
            const answer = await hpo.ask({
              studyName: 'grid',
              workerId: '',
              requestId: '',
              searchSpace: [spec('x', intDist(0, 9)), spec('y', intDist(0, 9))],
            });
            if (answer.studyDone) {
              doneReasons.push(answer.doneReason);
              return mine;
            }
            const p = Object.fromEntries(answer.trial!.params.map((q) => [q.name, plain(q.value)]));
            mine.push(`${p.x},${p.y}`);
            await hpo.tell({ trialId: answer.trial!.trialId, state: TrialState.TRIAL_STATE_COMPLETE, values: [0], constraints: [], workerId: '', requestId: '', failReason: '' });
          }
        }),
      )
    ).flat();
    expect(points).toHaveLength(100);
    expect(new Set(points).size).toBe(100);
    expect(doneReasons).toHaveLength(8);
    expect(doneReasons.every((r) => r.length > 0)).toBe(true);
    for (const c of [admin, ...clients]) c.close();
  });
});

describePostgres('hpo serve shutdown', (stores) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await stores.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('lets a call in flight finish on SIGTERM, then exits 0', async () => {
    const server = await spawnServer(['--database-url', store.url!, '--shutdown-grace', '30']);
    const hpo = connectHpo(server.address);
    await hpo.createStudy(createRequest('sigterm', { directions: [Direction.DIRECTION_MINIMIZE] }));
    // Hold the study's row lock from outside, so the server's ask is provably in flight (waiting on the lock)
    // when SIGTERM arrives; releasing the lock lets it complete.
    const locker = await import('pg').then((pg) => new pg.default.Client({ connectionString: store.url }));
    await locker.connect();
    await locker.query('begin');
    await locker.query("select id from studies where name = 'sigterm' for update");
    const asked = hpo.ask({ studyName: 'sigterm', workerId: '', requestId: '', searchSpace: [spec('x', floatDist(0, 1))] });
    // Wait until the ask is blocked on the lock inside Postgres.
    for (let i = 0; i < 200; i++) {
      const { rows } = await locker.query(
        "select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'",
      );
      if (rows[0].n > 0) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    server.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 300));
    expect(server.child.exitCode).toBeNull();
    const late = connectHpo(server.address);
    expect((await rejectionOf(late.getStudy({ studyName: 'sigterm' }))).code).toBe(Status.UNAVAILABLE);
    await locker.query('commit');
    await locker.end();
    const { trial } = await asked;
    expect(trial?.number).toBe(0);
    expect(await server.exited).toBe(0);
    expect(server.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down: finishing calls in flight', 'stopped']));
    hpo.close();
    late.close();
  });
});
