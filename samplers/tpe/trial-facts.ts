import type { FrozenTrial } from '../../src/core/trial.js';
import { violationOf } from './split-trials.js';

export const FACT_OTHER = 0;
export const FACT_COMPLETE = 1;
export const FACT_PRUNED = 2;
export const FACT_RUNNING = 3;

/**
 * What the good/bad split (split-trials.ts) and the incumbents (tpe-sampler.ts' bestOf) read of each trial,
 * in typed arrays indexed by the observation table's rows. The split's pass over thousands of trial objects (a
 * pointer chase and a few property loads each, with the objects scattered over the heap) cost about a tenth
 * of an ask; the facts are read once per trial object, when the table first sees it, and copied with its row
 * afterwards. They are exactly the fields the split reads, so a split over facts is the split over objects.
 */
export class TrialFacts {
  /** FACT_COMPLETE / FACT_PRUNED / FACT_RUNNING, or FACT_OTHER (FAIL, WAITING). */
  readonly state: Uint8Array;
  /** values.length, −1 when values is null. */
  readonly nValues: Int32Array;
  /** values[0], NaN when there is none. */
  readonly value0: Float64Array;
  /** 1 when constraints is not null. */
  readonly hasConstraints: Uint8Array;
  /** violationOf(trial): 0 without constraints. */
  readonly violation: Float64Array;
  readonly number: Float64Array;

  constructor(n: number) {
    this.state = new Uint8Array(n);
    this.nValues = new Int32Array(n);
    this.value0 = new Float64Array(n);
    this.hasConstraints = new Uint8Array(n);
    this.violation = new Float64Array(n);
    this.number = new Float64Array(n);
  }

  read(i: number, t: FrozenTrial): void {
    const s = t.state;
    this.state[i] = s === 'COMPLETE' ? FACT_COMPLETE : s === 'PRUNED' ? FACT_PRUNED : s === 'RUNNING' ? FACT_RUNNING : FACT_OTHER;
    const values = t.values;
    this.nValues[i] = values ? values.length : -1;
    this.value0[i] = values && values.length > 0 ? values[0] : NaN;
    this.hasConstraints[i] = t.constraints !== null ? 1 : 0;
    this.violation[i] = violationOf(t);
    this.number[i] = t.number;
  }

  /** A copy with room for `capacity` rows, the first `keep` kept. */
  grown(capacity: number, keep: number): TrialFacts {
    const out = new TrialFacts(capacity);
    out.state.set(this.state.subarray(0, keep));
    out.nValues.set(this.nValues.subarray(0, keep));
    out.value0.set(this.value0.subarray(0, keep));
    out.hasConstraints.set(this.hasConstraints.subarray(0, keep));
    out.violation.set(this.violation.subarray(0, keep));
    out.number.set(this.number.subarray(0, keep));
    return out;
  }

  copy(i: number, from: TrialFacts, p: number): void {
    this.state[i] = from.state[p];
    this.nValues[i] = from.nValues[p];
    this.value0[i] = from.value0[p];
    this.hasConstraints[i] = from.hasConstraints[p];
    this.violation[i] = from.violation[p];
    this.number[i] = from.number[p];
  }
}

/** Facts of a list of trials: `facts` at `rows[i]` describe the list's trial i. */
export interface FactsOf {
  readonly facts: TrialFacts;
  readonly rows: Int32Array;
}
