import type { SearchSpace } from '../../src/core/distribution.js';
import type { FrozenTrial } from '../../src/core/trial.js';
import { type ParamDomain, toAxis } from './param-domain.js';
import type { Points } from './parzen-estimator.js';

/**
 * The trials of a study's pool that have every parameter of one search space, with their values on the
 * estimators' axes, kept from one ask to the next. Consecutive asks see nearly the same history (a few new or
 * newly finished trials), and reading each trial's parameters by name is most of the per-trial work of an ask.
 *
 * A row is reused only for the very same trial object: a FrozenTrial is an immutable snapshot, so a state
 * change, a new value or new parameters arrive as a new object and are read afresh, and a trial that left the
 * pool is dropped. The table after sync(pool) is therefore exactly what reading the pool from scratch gives,
 * whatever the previous pool was.
 */
export class ObservationTable {
  private trials: readonly FrozenTrial[] = [];
  /** 1 where the trial has every parameter with the space's kind (and a categorical index within the choices). */
  private has = new Uint8Array(0);
  /** values[j][i]: trial i's value on axis j, clipped to a numeric axis' box as the kernels need it. */
  private values: Float64Array[];

  constructor(
    private readonly names: readonly string[],
    private readonly space: SearchSpace,
    private readonly domains: readonly ParamDomain[],
  ) {
    this.values = names.map(() => new Float64Array(0));
  }

  /** Brings the table to `pool` (trial-number order, as study views list trials; any order stays correct). */
  sync(pool: readonly FrozenTrial[]): void {
    if (pool === this.trials) return;
    const n = pool.length;
    const d = this.names.length;
    const prev = this.trials;
    const prevHas = this.has;
    const prevValues = this.values;
    const has = new Uint8Array(n);
    const values = this.names.map(() => new Float64Array(n));
    let p = 0;
    for (let i = 0; i < n; i++) {
      const t = pool[i];
      while (p < prev.length && prev[p].number < t.number) p++;
      if (p < prev.length && prev[p] === t) {
        has[i] = prevHas[p];
        for (let j = 0; j < d; j++) values[j][i] = prevValues[j][p];
        p++;
      } else if (this.hasParams(t)) {
        has[i] = 1;
        for (let j = 0; j < d; j++) values[j][i] = this.axisValue(j, t.internalParams[this.names[j]]);
      }
    }
    this.trials = pool;
    this.has = has;
    this.values = values;
  }

  /** The synced pool's trials that have the parameters, except trial `excludedNumber`, and their rows. */
  usable(excludedNumber: number): { trials: FrozenTrial[]; rows: Int32Array } {
    const n = this.trials.length;
    const rows = new Int32Array(n);
    const trials: FrozenTrial[] = [];
    let count = 0;
    for (let i = 0; i < n; i++) {
      if (this.has[i] && this.trials[i].number !== excludedNumber) {
        rows[count++] = i;
        trials.push(this.trials[i]);
      }
    }
    return { trials, rows: rows.slice(0, count) };
  }

  /** Axis-major columns of the rows `rows[at[k]]`, k = 0, 1, … (the estimators' observations). */
  columns(rows: Int32Array, at: Int32Array): Points {
    return this.values.map((col) => {
      const out = new Float64Array(at.length);
      for (let k = 0; k < at.length; k++) out[k] = col[rows[at[k]]];
      return out;
    });
  }

  private hasParams(t: FrozenTrial): boolean {
    for (const n of this.names) {
      const d = t.distributions[n];
      const want = this.space[n];
      if (d === undefined || d.kind !== want.kind) return false;
      // A categorical index must exist in the current choices; numbers are clipped by the kernels' box.
      if (d.kind === 'categorical' && want.kind === 'categorical' && t.internalParams[n] >= want.choices.length) return false;
    }
    return true;
  }

  private axisValue(j: number, internal: number): number {
    const d = this.domains[j];
    const y = toAxis(d, internal);
    return d.kind === 'numeric' ? Math.min(d.high, Math.max(d.low, y)) : y;
  }
}
