// One worker, the whole public surface in one file. Start a server first (`npx hpo serve`), then:
//   npx tsx clients/typescript/examples/single-worker.ts [address]
import { connect, TrialPruned } from '@hpo/client';
import { trainOneEpoch } from './toy-training.js';

const address = process.argv[2] ?? process.env.HPO_SERVER ?? 'localhost:50051';
const client = await connect(address);
const study = await client.createStudy({
  name: 'example-single-worker',
  direction: 'minimize',
  seed: 42,
  loadIfExists: true,
  sampler: { tpe: { nStartupTrials: 10 } },
  pruner: { successiveHalving: { reductionFactor: 4, minResource: 1 } },
});

// Stop cleanly on Ctrl-C: the running trial is told FAIL, nothing stays RUNNING.
const stop = new AbortController();
process.once('SIGINT', () => stop.abort(new Error('interrupted')));

const result = await study.optimize(
  async (trial) => {
    const lr = await trial.suggestFloat('lr', 1e-5, 1e-1, { log: true });
    const layers = await trial.suggestInt('layers', 1, 8);
    const optimizer = await trial.suggestCategorical('optimizer', ['adam', 'sgd']);
    let loss = Infinity;
    for (let epoch = 1; epoch <= 20; epoch++) {
      loss = await trainOneEpoch(lr, layers, optimizer, epoch);
      if (await trial.report(loss, epoch)) throw new TrialPruned();
    }
    return loss;
  },
  {
    nTrials: 40,
    signal: stop.signal,
    onProgress: (p) =>
      console.log(
        `trial ${p.last.number} ${p.last.state.padEnd(8)} ${p.last.value?.toFixed(4) ?? ''}`.trimEnd() +
          `   (best so far ${p.best?.value?.toFixed(4) ?? '-'})`,
      ),
  },
);

const best = await study.bestTrial();
console.log(`\n${result.complete} complete, ${result.pruned} pruned, ${result.failed} failed (stopped by ${result.stoppedBy})`);
if (best) console.log(`best: trial ${best.number}, loss ${best.value?.toFixed(4)}, params ${JSON.stringify(best.params)}`);
await client.close();
