import { execFile, spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type HpoClient } from '@hpo/client';
import { describePostgres, type TestStore, type StoreFactory } from '../support/test-database.js';
import { openDatabase } from '../../src/storage/open-database.js';
import { migrateToLatest } from '../../src/storage/migrate.js';
import { type RestartableServer, serveForSdk } from '../clients/typescript/served-store.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'hpo.js');

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a user's shell piping hpo's output: no colour forced (vitest forces it for itself). */
function shellEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env.FORCE_COLOR;
  return env;
}

/** Runs the real `hpo` binary, as a user's shell would (no TTY: plain output, no colours). */
function hpo(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { env: shellEnv(env), timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A small RFC 4180 reader: rows of fields, quotes honoured. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  return rows;
}

async function seed(client: HpoClient): Promise<void> {
  const study = await client.createStudy({ name: 'seeded', direction: 'minimize', seed: 1, sampler: { random: {} } });
  for (const [i, x] of [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8].entries()) {
    await study.enqueueTrial({ x, opt: i % 2 ? 'sgd' : 'adam' });
    const trial = await study.ask({ x: { kind: 'float', low: 0, high: 1 }, opt: { kind: 'categorical', choices: ['adam', 'sgd'] } });
    await trial.report((x - 0.3) ** 2 + 1, 0);
    if (i === 6) await study.tell(trial, 'PRUNED');
    else if (i === 7) await study.tell(trial, { state: 'FAIL', failReason: 'diverged, "badly"' });
    else await study.tell(trial, (x - 0.3) ** 2);
  }
  await study.ask({ x: { kind: 'float', low: 0, high: 1 } }); // one left RUNNING
  const pareto = await client.createStudy({ name: 'pareto', directions: ['minimize', 'maximize'], sampler: { random: {} } });
  for (const [a, b] of [
    [1, 1],
    [2, 3],
    [3, 2],
    [0, 0],
  ])
    await pareto.tell(await pareto.ask(), [a, b]);
}

describe('hpo inspection commands against a server with a seeded study', () => {
  let store: TestStore;
  let server: RestartableServer;
  let client: HpoClient;
  let env: Record<string, string>;

  beforeAll(async () => {
    const opened = await openDatabase({ inMemory: true });
    await migrateToLatest(opened.db);
    store = { kind: 'embedded', db: opened.db, url: undefined, close: () => opened.close() };
    server = await serveForSdk(store);
    client = await connect(server.address);
    await seed(client);
    env = { HPO_SERVER: server.address };
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
    await store?.close();
  });

  it('studies: a table with a line per study, and stable JSON', async () => {
    const table = await hpo(['studies'], env);
    expect(table.code).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+DIRECTIONS\s+STATE\s+COMPLETE\s+PRUNED\s+FAIL\s+RUNNING\s+WAITING\s+BEST\s+CREATED$/);
    expect(lines.find((l) => l.startsWith('seeded '))).toMatch(/seeded\s+minimize\s+RUNNING\s+6\s+1\s+1\s+1\s+0\s+0\s/);
    expect(lines.find((l) => l.startsWith('pareto '))).toContain('3 on front');

    const json = await hpo(['studies', '--format', 'json'], env);
    const studies = JSON.parse(json.stdout) as Array<{ name: string; trial_counts: Record<string, number>; best_trials: unknown[] }>;
    const seeded = studies.find((s) => s.name === 'seeded')!;
    expect(seeded.trial_counts).toEqual({ waiting: 0, running: 1, complete: 6, pruned: 1, fail: 1 });
    expect(seeded.best_trials).toHaveLength(1);
  });

  it('study show: summary, best trial, parameter ranges and a history plot', async () => {
    const run = await hpo(['study', 'show', 'seeded'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Study seeded');
    expect(run.stdout).toMatch(/trials\s+6 complete · 1 pruned · 1 failed · 1 running · 0 waiting/);
    expect(run.stdout).toMatch(/Best trial #2\n\s+value\s+0\n/);
    expect(run.stdout).toMatch(/x\s+float \[0, 1\]\s+0\.1 … 0\.6/);
    expect(run.stdout).toMatch(/opt\s+categorical \[adam, sgd\]\s+adam ×3, sgd ×3/);
    expect(run.stdout).toContain('Optimisation history');
    expect(run.stdout).toContain('━ best so far (minimize)');

    const json = JSON.parse((await hpo(['study', 'show', 'seeded', '--format', 'json'], env)).stdout);
    expect(json.best_trials[0]).toMatchObject({ number: 2, values: [0], params: { x: 0.3, opt: 'adam' } });
    expect(json.parameters.map((p: { name: string }) => p.name)).toEqual(['x', 'opt']);
  });

  it('trials: filtered, sorted and limited, as table, JSON and CSV', async () => {
    const json = await hpo(['trials', 'seeded', '--state', 'complete', '--sort', 'value', '--limit', '3', '--format', 'json'], env);
    expect(json.code).toBe(0);
    const best3 = JSON.parse(json.stdout) as Array<{ number: number; state: string; values: number[] }>;
    expect(best3.map((t) => t.number)).toEqual([2, 1, 3]);

    const csv = parseCsv((await hpo(['trials', 'seeded', '--format', 'csv'], env)).stdout);
    expect(csv[0]).toEqual(['number', 'state', 'value', 'datetime_start', 'datetime_complete', 'duration_ms', 'params_x', 'params_opt', 'user_attrs_fail_reason', 'worker_id']);
    expect(csv).toHaveLength(1 + 9);
    const failed = csv.find((r) => r[1] === 'FAIL')!;
    expect(failed[8]).toBe('diverged, "badly"');
    expect(Number(csv.find((r) => r[0] === '3')![2])).toBeCloseTo(0.01, 12);

    const table = (await hpo(['trials', 'seeded', '--state', 'pruned,fail'], env)).stdout.trimEnd().split('\n');
    expect(table[0]).toMatch(/^#\s+STATE\s+VALUE\s+x\s+opt\s+DURATION\s+COMPLETED$/);
    expect(table.slice(1).map((l) => l.trim().split(/\s+/).slice(0, 2))).toEqual([
      ['6', 'PRUNED'],
      ['7', 'FAIL'],
    ]);
  });

  it('best: the best trial, and the Pareto front for several objectives', async () => {
    const single = await hpo(['best', 'seeded'], env);
    expect(single.stdout).toContain('Best trial of seeded: #2 (minimize)');
    const front = await hpo(['best', 'pareto', '--format', 'json'], env);
    const parsed = JSON.parse(front.stdout) as { directions: string[]; best_trials: Array<{ values: number[] }> };
    expect(parsed.directions).toEqual(['minimize', 'maximize']);
    expect(parsed.best_trials.map((t) => t.values)).toEqual([
      [1, 1],
      [2, 3],
      [0, 0],
    ]);
    expect((await hpo(['best', 'pareto'], env)).stdout).toContain('Pareto front of pareto: 3 trials');
  });

  it('watch: prints trials as they arrive, and exits 0 on Ctrl-C', async () => {
    const child = spawn(process.execPath, [BIN, 'watch', 'seeded', '--interval', '200'], {
      env: shellEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    const until = async (pattern: RegExp) => {
      for (let i = 0; i < 300 && !pattern.test(out); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toMatch(pattern);
    };
    await until(/trial 8 RUNNING/);
    const study = await client.loadStudy('seeded');
    await study.tell(8, 0.5);
    await until(/trial 8 COMPLETE values=0\.5/);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(out.split('\n')[0]).toMatch(/^watching seeded: running, 6 complete/);
  });

  it('create-study, enqueue, export and delete-study (which asks first unless --yes)', async () => {
    const created = await hpo(['create-study', 'scratch', '--direction', 'maximize', '--sampler', 'tpe', '--sampler-options', '{"nStartupTrials":3}', '--seed', '9'], env);
    expect(created.code).toBe(0);
    expect(created.stdout).toBe('created study scratch (maximize, seed 9)\n');
    const again = JSON.parse((await hpo(['create-study', 'scratch', '--direction', 'maximize', '--load-if-exists', '--format', 'json'], env)).stdout);
    expect(again).toMatchObject({ created: false, study: { name: 'scratch', sampler: { tpe: { nStartupTrials: 3 } }, seed: 9 } });

    const enqueued = JSON.parse((await hpo(['enqueue', 'scratch', '--param', 'lr=1e-3', '-p', 'opt=adam', '-p', 'bn=true', '--format', 'json'], env)).stdout);
    expect(enqueued).toMatchObject({ number: 0, state: 'WAITING', params: { lr: 0.001, opt: 'adam', bn: true } });

    const exported = JSON.parse((await hpo(['export', 'scratch', '--format', 'json'], env)).stdout);
    expect(exported.study.name).toBe('scratch');
    expect(exported.trials).toHaveLength(1);
    const csv = parseCsv((await hpo(['export', 'seeded', '--format', 'csv'], env)).stdout);
    expect(csv.length).toBe(1 + 9);

    const refused = await hpo(['delete-study', 'scratch'], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim().split('\n')).toEqual(['hpo: refusing to delete study scratch without confirmation: pass --yes when not on a terminal']);
    const deleted = await hpo(['delete-study', 'scratch', '--yes'], env);
    expect(deleted.stdout).toBe('deleted study scratch (1 trial)\n');
    const gone = await hpo(['trials', 'scratch'], env);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toBe('hpo: study scratch not found\n');
  });

  it('reports an unreachable server in one line with a non-zero exit code', async () => {
    const run = await hpo(['studies', '--server', '127.0.0.1:1']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(/^hpo: cannot reach the hpo server at 127\.0\.0\.1:1 \(.*ECONNREFUSED/);
  });
});

describePostgres('hpo inspection commands straight on storage (--database-url)', (stores: StoreFactory) => {
  let store: TestStore;

  beforeAll(async () => {
    store = await stores.open();
  });

  afterAll(async () => {
    await store?.close();
  });

  it('creates, enqueues into and lists studies without any server', async () => {
    const url = store.url!;
    const created = await hpo(['create-study', 'direct', '--database-url', url, '--pruner', 'median', '--max-trials', '5']);
    expect(created.code).toBe(0);
    const enq = await hpo(['enqueue', 'direct', '--database-url', url, '-p', 'x=2']);
    expect(enq.stdout).toBe('trial 0 of direct is WAITING: x=2\n');
    const studies = JSON.parse((await hpo(['studies', '--database-url', url, '--format', 'json'])).stdout);
    expect(studies).toEqual([
      expect.objectContaining({ name: 'direct', pruner: { median: {} }, max_trials: 5, trial_counts: expect.objectContaining({ waiting: 1 }) }),
    ]);
    const trials = JSON.parse((await hpo(['trials', 'direct', '--database-url', url, '--format', 'json'])).stdout);
    expect(trials).toEqual([expect.objectContaining({ number: 0, state: 'WAITING', params: { x: 2 } })]);
  });
});
