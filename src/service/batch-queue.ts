/** What a batch decided for one call: its answer, or the error it alone fails with. */
export type Outcome<T> = { ok: T } | { error: unknown };

/** A call waiting for a batch: its validated input and the promise to settle. */
export interface Pending<I, T> {
  readonly input: I;
  readonly resolve: (value: T) => void;
  readonly reject: (error: unknown) => void;
}

/** Most calls one transaction takes on; more wait for the next one. */
export const MAX_BATCH = 64;

/**
 * Runs `queue` through `runBatch` a batch at a time until it is empty (calls that arrive meanwhile join it),
 * settling each call with its own outcome. A batch that throws as a whole fails each of its calls.
 * `whenEmpty` runs in the same tick as the final emptiness check, before any settled caller resumes, so a caller
 * that queues again right away never lands in a queue nobody drains.
 */
export async function drainInBatches<I, T>(
  queue: Pending<I, T>[],
  runBatch: (inputs: I[]) => Promise<Outcome<T>[]>,
  whenEmpty: () => void,
): Promise<void> {
  while (queue.length > 0) {
    const batch = queue.splice(0, MAX_BATCH);
    let outcomes: Outcome<T>[];
    try {
      outcomes = await runBatch(batch.map((p) => p.input));
    } catch (error) {
      outcomes = batch.map(() => ({ error }));
    }
    settle(batch, outcomes);
  }
  whenEmpty();
}

/** Settles each call with its own outcome (`outcomes[i]` is `calls[i]`'s). */
export function settle<T>(calls: ReadonlyArray<Pending<unknown, T>>, outcomes: readonly Outcome<T>[]): void {
  calls.forEach((p, i) => {
    const o = outcomes[i];
    if ('ok' in o) p.resolve(o.ok);
    else p.reject(o.error);
  });
}
