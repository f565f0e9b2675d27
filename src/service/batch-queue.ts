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
 * settling each call with its own outcome. A batch takes its calls (up to MAX_BATCH from the queue's head) when it
 * calls `take`, which it may do once its transaction has begun: calls that arrive during the BEGIN round trip
 * (the rest of a burst a worker pool sends at once) join it instead of waiting for the next commit. `take` gives
 * the same calls every time (a retried transaction). A batch that throws as a whole fails each call it took, or
 * would have taken had it got that far (no connection, say). `whenEmpty` runs in the same tick as the final
 * emptiness check, before any settled caller resumes, so a caller that queues again right away never lands in a
 * queue nobody drains.
 */
export async function drainInBatches<I, T>(
  queue: Pending<I, T>[],
  runBatch: (take: () => I[]) => Promise<Outcome<T>[]>,
  whenEmpty: () => void,
): Promise<void> {
  while (queue.length > 0) {
    let batch: Pending<I, T>[] | null = null;
    const taken = () => (batch ??= queue.splice(0, MAX_BATCH));
    let outcomes: Outcome<T>[];
    try {
      outcomes = await runBatch(() => taken().map((p) => p.input));
    } catch (error) {
      outcomes = taken().map(() => ({ error }));
    }
    settle(taken(), outcomes);
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
