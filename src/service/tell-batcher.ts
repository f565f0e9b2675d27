import { drainInBatches, type Outcome as BatchOutcome, type Pending } from './batch-queue.js';
import type { TrialRecord } from './hpo-service.js';
import { inTransaction, type ServiceContext } from './service-context.js';
import { decideTells, writeTells } from './tell-decisions.js';
import { validateTell, type TellInput, type ValidTell } from './tell-validation.js';

type PendingTell = Pending<ValidTell, TrialRecord>;
type Outcome = BatchOutcome<TrialRecord>;

/**
 * Groups concurrent tells (of any trials, any studies) arriving at this process into few transactions: the rows
 * are locked together (in id order, so two batches cannot deadlock), each tell is judged exactly as a single
 * tell would be, and the accepted ones are written with one statement and one commit. A refused tell (finished
 * trial, lease lost, wrong values) is refused alone and writes nothing; the rest of its batch goes on.
 * While a batch commits, the next gathers: under load a commit carries many tells, when idle it carries one.
 */
export class TellBatcher {
  private queue: PendingTell[] = [];
  private running = 0;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly maxTransactions = TELL_TRANSACTIONS,
  ) {}

  tell(input: TellInput): Promise<TrialRecord> {
    return new Promise<TrialRecord>((resolve, reject) => {
      // Inside the executor: bad input rejects, as every other service call does.
      this.queue.push({ input: validateTell(input), resolve, reject });
      if (this.running < this.maxTransactions) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running++;
    await drainInBatches(this.queue, (take) => tellBatch(this.ctx, take), () => {
      this.running--;
    });
  }
}

/**
 * Tell transactions one process runs at once. Tells of different trials do not contend (each locks only its
 * own rows), so a second transaction gathering while the first waits for its commit halves the wait; more
 * would mostly split batches into more commits.
 */
export const TELL_TRANSACTIONS = 2;

async function tellBatch(ctx: ServiceContext, take: () => ValidTell[]): Promise<Outcome[]> {
  return inTransaction(ctx, async (trx) => {
    // Taken once the transaction has begun (see drainInBatches).
    const tells = take();
    if (tells.length === 0) return [];
    return writeTells(trx, tells, await decideTells(trx, tells, ctx.now().toISOString()));
  });
}
