import { describe, expect, it } from 'vitest';
import { drainInBatches, MAX_BATCH, type Outcome, type Pending } from '../../src/service/batch-queue.js';

/** A queue of calls whose promises the test can await. */
function calls(queue: Pending<number, number>[], inputs: readonly number[]): Promise<number>[] {
  return inputs.map((input) => new Promise<number>((resolve, reject) => queue.push({ input, resolve, reject })));
}

const settledOf = (promises: Promise<number>[]) => Promise.allSettled(promises);

describe('drainInBatches', () => {
  it('lets calls that arrive before a batch takes its calls (during its BEGIN) join that batch', async () => {
    const queue: Pending<number, number>[] = [];
    const first = calls(queue, [1]);
    const batches: number[][] = [];
    let emptied = 0;
    const drained = drainInBatches(
      queue,
      async (take) => {
        // The BEGIN round trip: the rest of the burst arrives meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 5));
        const inputs = take();
        batches.push(inputs);
        return inputs.map((x): Outcome<number> => ({ ok: x * 10 }));
      },
      () => emptied++,
    );
    const rest = calls(queue, [2, 3, 4]);
    await drained;
    expect(batches).toEqual([[1, 2, 3, 4]]);
    expect(await Promise.all([...first, ...rest])).toEqual([10, 20, 30, 40]);
    expect(emptied).toBe(1);
  });

  it('gives a retried transaction the same calls from take, and takes at most MAX_BATCH per batch', async () => {
    const queue: Pending<number, number>[] = [];
    const all = calls(queue, Array.from({ length: MAX_BATCH + 3 }, (_, i) => i));
    const sizes: number[] = [];
    await drainInBatches(
      queue,
      async (take) => {
        const once = take();
        expect(take()).toEqual(once);
        sizes.push(once.length);
        return once.map((x): Outcome<number> => ({ ok: x }));
      },
      () => {},
    );
    expect(sizes).toEqual([MAX_BATCH, 3]);
    expect((await Promise.all(all)).length).toBe(MAX_BATCH + 3);
  });

  it('fails the calls a batch would have taken when it fails before taking them, and stops', async () => {
    const queue: Pending<number, number>[] = [];
    const pending = calls(queue, [1, 2]);
    let runs = 0;
    await drainInBatches(
      queue,
      async () => {
        runs++;
        throw new Error('connection refused');
      },
      () => {},
    );
    expect(runs).toBe(1);
    const settled = await settledOf(pending);
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(queue).toEqual([]);
  });

  it('ends a batch that finds the queue already emptied by another without settling anything twice', async () => {
    const queue: Pending<number, number>[] = [];
    const pending = calls(queue, [7]);
    const seen: number[][] = [];
    // Two drains at once (the tell batcher runs two transactions): the first to take gets the call.
    const run = async (take: () => number[]) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const inputs = take();
      seen.push(inputs);
      return inputs.map((x): Outcome<number> => ({ ok: x }));
    };
    await Promise.all([drainInBatches(queue, run, () => {}), drainInBatches(queue, run, () => {})]);
    expect(seen.sort((a, b) => a.length - b.length)).toEqual([[], [7]]);
    expect(await Promise.all(pending)).toEqual([7]);
  });
});
