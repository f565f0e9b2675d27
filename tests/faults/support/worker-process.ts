// A worker as its own OS process, for tests that kill or freeze it: connects, asks one trial, prints it as a JSON
// line, keeps the trial's lease alive with the SDK's heartbeats, and on the stdin line "tell" tells the objective's
// value and prints what the server answered. Run: node --import tsx worker-process.ts <address> <study> <worker-id>
import { createInterface } from 'node:readline';
import { connect, HpoClientError } from '@hpo/client';
import { objective } from './fault-workers.js';

const [address, studyName, workerId] = process.argv.slice(2);
const print = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);

const client = await connect(address, { workerId });
const study = await client.loadStudy(studyName);
const trial = await study.ask({ x: { kind: 'float', low: -5, high: 5 }, n: { kind: 'int', low: 0, high: 1000 } });
print({ event: 'asked', trialId: trial.id, number: trial.number, params: trial.params, pid: process.pid });

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'tell') return;
  study.tell(trial, objective(trial.params)).then(
    () => print({ event: 'told' }),
    (error: unknown) =>
      print({ event: 'refused', code: error instanceof HpoClientError ? error.code : 'UNKNOWN', message: (error as Error).message }),
  ).finally(() => void client.close().then(() => process.exit(0)));
});
