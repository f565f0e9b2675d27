// `npm run example:distributed`: one hpo server (embedded in-memory store, any free port) and 4 worker processes
// sharing one study with a budget of 60 trials; prints each worker's share and the best result.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { connect } from '@hpo/client';

const WORKERS = 4;
const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..', '..');

/** Starts `hpo serve` on port 0 and resolves with the address it logs once listening. */
async function startServer(): Promise<{ server: ChildProcess; address: string }> {
  const server = spawn(
    process.execPath,
    [join(repo, 'bin', 'hpo.js'), 'serve', '--in-memory', '--port', '0', '--log-format', 'json', '--log-level', 'info'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: server.stdout! });
  const address = await new Promise<string>((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`hpo serve exited with code ${code} before listening`)));
    lines.on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'hpo listening' && entry.port) resolve(`127.0.0.1:${entry.port}`);
      } catch {
        // not a log line
      }
    });
  });
  return { server, address };
}

const { server, address } = await startServer();
console.log(`server listening on ${address}`);
try {
  const client = await connect(address);
  const study = await client.createStudy({
    name: 'example-distributed',
    direction: 'minimize',
    seed: 7,
    maxTrials: 60,
    sampler: { tpe: { nStartupTrials: 12 } },
    pruner: { successiveHalving: { reductionFactor: 2, minResource: 3 } },
  });

  const workers = Array.from({ length: WORKERS }, () =>
    spawn(process.execPath, ['--import', 'tsx', join(here, 'distributed-worker.ts'), address, study.name], {
      stdio: ['ignore', 'inherit', 'inherit'],
      cwd: repo,
    }),
  );
  const codes = await Promise.all(workers.map(async (w) => ((await once(w, 'exit')) as [number | null])[0]));
  if (codes.some((c) => c !== 0)) throw new Error(`a worker failed (exit codes ${codes.join(', ')})`);

  const info = await study.info();
  const best = await study.bestTrial();
  const c = info.trialCounts;
  console.log(`\nstudy ${study.name}: ${c.complete} complete, ${c.pruned} pruned, ${c.fail} failed, ${c.running} running (budget ${info.maxTrials})`);
  if (best) console.log(`best: trial ${best.number}, loss ${best.value?.toFixed(4)}, params ${JSON.stringify(best.params)}`);
  await client.close();
} finally {
  server.kill('SIGTERM');
  await once(server, 'exit');
}
