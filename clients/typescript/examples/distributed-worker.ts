// One worker process of the distributed example: joins the study and runs trials until the study is done
// (its maxTrials budget is spent across all workers), then prints what it did.
//   npx tsx clients/typescript/examples/distributed-worker.ts <address> <study>
import { connect, TrialPruned } from '@hpo/client';
import { trainOneEpoch } from './toy-training.js';

const [address = 'localhost:50051', studyName = 'example-distributed'] = process.argv.slice(2);
const client = await connect(address, { workerId: `worker-${process.pid}` });
const study = await client.loadStudy(studyName);

const result = await study.optimize(
  async (trial) => {
    const lr = await trial.suggestFloat('lr', 1e-5, 1e-1, { log: true });
    const layers = await trial.suggestInt('layers', 1, 8);
    const optimizer = await trial.suggestCategorical('optimizer', ['adam', 'sgd']);
    let loss = Infinity;
    for (let epoch = 1; epoch <= 12; epoch++) {
      loss = await trainOneEpoch(lr, layers, optimizer, epoch);
      if (await trial.report(loss, epoch)) throw new TrialPruned();
    }
    return loss;
  },
  { concurrency: 2 }, // no nTrials: run until the study says it is done
);

console.log(
  JSON.stringify({ worker: client.workerId, stoppedBy: result.stoppedBy, complete: result.complete, pruned: result.pruned, failed: result.failed }),
);
await client.close();
