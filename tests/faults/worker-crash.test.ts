import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { connect } from '@hpo/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { describePostgres, type TestStore } from '../support/test-database.js';
import { waitFor } from './support/fault-workers.js';
import { readStoredTrials, type StoredTrial } from './support/stored-trials.js';

const GRACE_SECONDS = 2;
// The server's reaper runs every second; allow for a loaded machine on top.
const REAP_SLACK_MS = 5_000;

interface WorkerProcess {
  readonly child: ChildProcess;
  /** JSON lines the worker printed, in order. */
  readonly events: Array<Record<string, unknown>>;
  next(event: string, timeoutMs?: number): Promise<Record<string, unknown>>;
}

function spawnWorker(address: string, studyName: string, workerId: string): WorkerProcess {
  const script = join(import.meta.dirname, 'support', 'worker-process.ts');
  // node itself (not the tsx wrapper), so that the pid signalled is the process holding the trial.
  const child = spawn(process.execPath, ['--import', 'tsx', script, address, studyName, workerId], {
    cwd: join(import.meta.dirname, '..', '..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const events: Array<Record<string, unknown>> = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      events.push(JSON.parse(line));
    } catch {
      // not an event
    }
  });
  return {
    child,
    events,
    next: (event, timeoutMs = 60_000) => waitFor(`worker event ${event}`, async () => events.find((e) => e.event === event), timeoutMs, 50),
  };
}

async function storedTrial(url: string, study: string, number: number): Promise<StoredTrial | undefined> {
  return (await readStoredTrials(url, study)).find((t) => t.number === number);
}

/**
 * Issue 7, leases: a worker killed with SIGKILL in the middle of a trial stops beating; the server's reaper (not
 * the next ask) fails the trial once the study's grace period has passed and re-enqueues the same params as a new
 * trial linked to it; a worker that was only frozen, and wakes up after that, has its tell refused.
 */
describePostgres('a worker dies or freezes mid-trial', (stores) => {
  let store: TestStore;
  let server: ServerProcess;
  const workers: WorkerProcess[] = [];
  beforeAll(async () => {
    store = await stores.open();
    server = await spawnServer(['--database-url', store.url!]);
    const admin = await connect(server.address);
    await admin.createStudy({
      name: 'leases',
      direction: 'minimize',
      sampler: { random: {} },
      failurePolicy: { heartbeatGraceSeconds: GRACE_SECONDS, maxRetries: 1 },
    });
    await admin.close();
  }, 120_000);
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await server?.stop();
    await store?.close();
  });

  it('fails a SIGKILLed worker’s trial within the grace period and retries it with the same params', async () => {
    const worker = spawnWorker(server.address, 'leases', 'doomed');
    workers.push(worker);
    const asked = await worker.next('asked');
    const number = asked.number as number;
    // Let it beat for longer than the grace period: a live worker's trial is never reaped.
    await new Promise((r) => setTimeout(r, GRACE_SECONDS * 1000 + 1500));
    expect((await storedTrial(store.url!, 'leases', number))?.state).toBe('RUNNING');

    worker.child.kill('SIGKILL');
    const failed = await waitFor(
      'the reaper to fail the trial',
      async () => {
        const t = await storedTrial(store.url!, 'leases', number);
        return t?.state === 'FAIL' ? t : undefined;
      },
      GRACE_SECONDS * 1000 + 30_000,
    );
    expect(failed.systemAttrs.failed_by_reaper).toBe(true);
    // Failed after the grace period, not before, and soon after it (the reaper runs on a timer).
    const sinceBeat = failed.completedAt!.getTime() - failed.lastHeartbeatAt!.getTime();
    expect(sinceBeat).toBeGreaterThanOrEqual(GRACE_SECONDS * 1000);
    expect(sinceBeat).toBeLessThan(GRACE_SECONDS * 1000 + REAP_SLACK_MS);

    // The retry: a new trial with the same params, linked to the failed one, handed out by the next ask.
    const retry = (await readStoredTrials(store.url!, 'leases')).find((t) => t.retryOf === number)!;
    expect(retry.state).toBe('WAITING');
    expect(retry.internal).toEqual(failed.internal);
    const client = await connect(server.address, { workerId: 'rescuer' });
    const study = await client.loadStudy('leases');
    const trial = await study.ask({ x: { kind: 'float', low: -5, high: 5 }, n: { kind: 'int', low: 0, high: 1000 } });
    expect(trial.number).toBe(retry.number);
    expect(trial.params).toEqual(asked.params);
    await study.tell(trial, 1);
    expect((await storedTrial(store.url!, 'leases', retry.number))?.state).toBe('COMPLETE');
    await client.close();
  }, 120_000);

  it('refuses the tell of a frozen worker that wakes up after its trial was failed and retried', async () => {
    const worker = spawnWorker(server.address, 'leases', 'sleepy');
    workers.push(worker);
    const asked = await worker.next('asked');
    const number = asked.number as number;
    worker.child.kill('SIGSTOP');
    await waitFor(
      'the reaper to fail the frozen worker’s trial',
      async () => ((await storedTrial(store.url!, 'leases', number))?.state === 'FAIL' ? true : undefined),
      GRACE_SECONDS * 1000 + 30_000,
    );
    const retry = (await readStoredTrials(store.url!, 'leases')).find((t) => t.retryOf === number)!;
    expect(retry.state).toBe('WAITING');

    worker.child.kill('SIGCONT');
    worker.child.stdin!.write('tell\n');
    const refused = await worker.next('refused');
    expect(refused.code).toBe('FAILED_PRECONDITION');
    expect(String(refused.message)).toMatch(/lease expired/);
    // Nothing it said was stored: the failed trial has no values and the retry is untouched.
    const after = await readStoredTrials(store.url!, 'leases');
    expect(after.find((t) => t.number === number)).toMatchObject({ state: 'FAIL', values: null });
    expect(after.find((t) => t.number === retry.number)).toMatchObject({ state: 'WAITING', values: null });
  }, 120_000);
});
