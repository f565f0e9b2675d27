import type { SearchSpace } from '../../src/core/distribution.js';
import type { FrozenTrial } from '../../src/core/trial.js';
import { neighbourBandwidthsInOrder } from './bandwidth.js';
import { type ParamDomain, toAxis } from './param-domain.js';
import type { Points } from './parzen-estimator.js';
import { TrialFacts } from './trial-facts.js';
import { FRESH_ARRAYS, type Scratch } from './scratch-buffers.js';

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
  /** The split's per-trial facts of the rows having the parameters (trial-facts.ts), kept with the rows. */
  private facts = new TrialFacts(0);
  /** values[j][i]: trial i's value on axis j, clipped to a numeric axis' box as the kernels need it. */
  private values: Float64Array[];
  /**
   * Per axis, once asked for (sortedRows): the rows having the parameters, by value then row. Kept up to date by
   * sync (dropping rows that left, inserting the few new ones), so an ask does not sort the history again.
   */
  private orders: (Int32Array | undefined)[];

  constructor(
    private readonly names: readonly string[],
    private readonly space: SearchSpace,
    private readonly domains: readonly ParamDomain[],
  ) {
    this.values = names.map(() => new Float64Array(0));
    this.orders = names.map(() => undefined);
  }

  /** Brings the table to `pool` (trial-number order, as study views list trials; any order stays correct). */
  sync(pool: readonly FrozenTrial[]): void {
    if (pool === this.trials) return;
    if (!this.syncInPlace(pool)) this.rebuild(pool);
  }

  /**
   * The usual step from one ask to the next: every trial of the previous pool is still at its position (the
   * same object, or a newer snapshot of the same trial: a state change, a value), and new trials follow. Then
   * the rows are updated where they stand: one pointer comparison per unchanged row, and only the replaced and
   * new trials are read. Copying the whole table (and reading every trial's number to merge) was most of sync's
   * cost. The arrays have room to grow (doubling), so appending rows seldom copies them. False when the pool
   * moved otherwise (a trial left it, or the order differs): rebuild then merges by trial number.
   */
  private syncInPlace(pool: readonly FrozenTrial[]): boolean {
    const prev = this.trials;
    const n = pool.length;
    const m = prev.length;
    if (n < m) return false;
    const changed: number[] = [];
    for (let i = 0; i < m; i++) {
      if (pool[i] !== prev[i]) {
        if (pool[i].number !== prev[i].number) return false;
        changed.push(i);
      }
    }
    if (n > this.has.length) this.grow(Math.max(n, 2 * this.has.length), m);
    const ordered = this.orders.some((o) => o !== undefined);
    // For the kept orders: unchanged rows stay where they are, replaced ones are gone and read afresh.
    let movedTo: Int32Array | undefined;
    if (ordered) {
      movedTo = new Int32Array(m);
      for (let i = 0; i < m; i++) movedTo[i] = i;
      for (const i of changed) movedTo[i] = -1;
    }
    const fresh: number[] = [];
    const d = this.names.length;
    const readRow = (i: number) => {
      const t = pool[i];
      if (this.hasParams(t)) {
        this.has[i] = 1;
        for (let j = 0; j < d; j++) this.values[j][i] = this.axisValue(j, t.internalParams[this.names[j]]);
        this.facts.read(i, t);
        fresh.push(i);
      } else this.has[i] = 0;
    };
    for (const i of changed) readRow(i);
    for (let i = m; i < n; i++) readRow(i);
    this.trials = pool;
    this.orders = this.orders.map((order, j) => (order && movedTo ? updatedOrder(order, movedTo, fresh, this.values[j]) : undefined));
    return true;
  }

  /** Room for `capacity` rows, the first `keep` kept. */
  private grow(capacity: number, keep: number): void {
    const has = new Uint8Array(capacity);
    has.set(this.has.subarray(0, keep));
    this.has = has;
    this.values = this.values.map((col) => {
      const grown = new Float64Array(capacity);
      grown.set(col.subarray(0, keep));
      return grown;
    });
    this.facts = this.facts.grown(capacity, keep);
  }

  /** Any other change of the pool: rows merged by trial number and object identity into a new table. */
  private rebuild(pool: readonly FrozenTrial[]): void {
    const n = pool.length;
    const d = this.names.length;
    const prev = this.trials;
    const prevHas = this.has;
    const prevValues = this.values;
    const prevFacts = this.facts;
    const has = new Uint8Array(n);
    const facts = new TrialFacts(n);
    const values = this.names.map(() => new Float64Array(n));
    const ordered = this.orders.some((o) => o !== undefined);
    // For the kept orders: where each previous row went (−1: gone), and the rows read afresh.
    const movedTo = ordered ? new Int32Array(prev.length).fill(-1) : undefined;
    const fresh: number[] = [];
    let p = 0;
    for (let i = 0; i < n; i++) {
      const t = pool[i];
      while (p < prev.length && prev[p].number < t.number) p++;
      if (p < prev.length && prev[p] === t) {
        has[i] = prevHas[p];
        for (let j = 0; j < d; j++) values[j][i] = prevValues[j][p];
        if (prevHas[p]) facts.copy(i, prevFacts, p);
        if (movedTo) movedTo[p] = i;
        p++;
      } else if (this.hasParams(t)) {
        has[i] = 1;
        for (let j = 0; j < d; j++) values[j][i] = this.axisValue(j, t.internalParams[this.names[j]]);
        facts.read(i, t);
        fresh.push(i);
      }
    }
    this.trials = pool;
    this.has = has;
    this.values = values;
    this.facts = facts;
    this.orders = this.orders.map((order, j) => (order && movedTo ? updatedOrder(order, movedTo, fresh, values[j]) : undefined));
  }

  /**
   * The rows having the parameters, ordered by their value on axis `j` (ties by row), or undefined when a value
   * is NaN (no total order). Built by one sort the first time, then kept by sync.
   */
  sortedRows(j: number): Int32Array | undefined {
    const col = this.values[j];
    let order = this.orders[j];
    if (!order) {
      const rows: number[] = [];
      for (let i = 0; i < this.trials.length; i++) if (this.has[i]) rows.push(i);
      if (rows.some((i) => Number.isNaN(col[i]))) return undefined;
      order = Int32Array.from(rows.sort((a, b) => col[a] - col[b] || a - b));
      this.orders[j] = order;
    }
    return order;
  }

  /**
   * The univariate neighbour widths (bandwidth.ts) of the observations `rows[at[k]]`, k = 0, 1, …, with the
   * prior's centre among them as the estimator puts it: read off the kept order instead of sorting per ask.
   * Undefined on categorical axes or when there is no order (NaN values).
   */
  neighbourWidths(rows: Int32Array, at: Int32Array, considerEndpoints: boolean): (Float64Array | undefined)[] {
    return this.domains.map((d, j) => {
      if (d.kind !== 'numeric') return undefined;
      const order = this.sortedRows(j);
      if (!order) return undefined;
      const n = at.length;
      const component = new Int32Array(this.trials.length).fill(-1);
      for (let k = 0; k < n; k++) component[rows[at[k]]] = k;
      const col = this.values[j];
      const centre = 0.5 * (d.low + d.high);
      const sorted = new Float64Array(n + 1);
      const positionOf = new Int32Array(n);
      let p = 0;
      let centrePlaced = false;
      for (let o = 0; o < order.length; o++) {
        const k = component[order[o]];
        if (k < 0) continue;
        const v = col[order[o]];
        if (!centrePlaced && centre < v) {
          sorted[p++] = centre;
          centrePlaced = true;
        }
        positionOf[k] = p;
        sorted[p++] = v;
      }
      if (!centrePlaced) sorted[p++] = centre;
      return p === n + 1 ? neighbourBandwidthsInOrder(sorted, positionOf, d.low, d.high, considerEndpoints) : undefined;
    });
  }

  /**
   * The synced pool's trials that have the parameters, except trial `excludedNumber`, and their rows (from
   * `scratch` when given: then they live as long as its step).
   */
  usable(excludedNumber: number, scratch?: Scratch): { trials: FrozenTrial[]; rows: Int32Array } {
    const n = this.trials.length;
    const rows = scratch ? scratch.i32(n) : new Int32Array(n);
    const has = this.has;
    const number = this.facts.number;
    let count = 0;
    // The numbers are in the facts (read for every row having the parameters): no trial object is visited.
    for (let i = 0; i < n; i++) if (has[i] && number[i] !== excludedNumber) rows[count++] = i;
    const trials = new Array<FrozenTrial>(count);
    for (let k = 0; k < count; k++) trials[k] = this.trials[rows[k]];
    return { trials, rows: scratch ? rows.subarray(0, count) : rows.slice(0, count) };
  }

  /** The split's facts of the synced pool, by row (index them with usable's rows). */
  splitFacts(): TrialFacts {
    return this.facts;
  }

  /** Whether any of `rows` has constraint values (the split then treats feasibility). */
  anyConstraints(rows: Int32Array): boolean {
    const has = this.facts.hasConstraints;
    for (let k = 0; k < rows.length; k++) if (has[rows[k]]) return true;
    return false;
  }

  /** Axis-major columns of the rows `rows[at[k]]`, k = 0, 1, … (the estimators' observations). */
  columns(rows: Int32Array, at: Int32Array, scratch: Scratch = FRESH_ARRAYS): Points {
    return this.values.map((col) => {
      const out = scratch.f64(at.length, false);
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

/**
 * `order` (previous rows by value, then row) carried to the new rows: rows that stayed keep their relative order
 * (sync keeps the pool's order, and their values are unchanged), the fresh ones are inserted where they belong.
 * The result is the unique order by (value, row), the same as sorting afresh. Many fresh rows: sort afresh.
 */
function updatedOrder(order: Int32Array, movedTo: Int32Array, fresh: readonly number[], col: Float64Array): Int32Array | undefined {
  if (fresh.some((i) => Number.isNaN(col[i]))) return undefined;
  const kept = new Int32Array(order.length + fresh.length);
  let n = 0;
  for (let k = 0; k < order.length; k++) {
    const i = movedTo[order[k]];
    if (i >= 0) kept[n++] = i;
  }
  if (fresh.length > 16 + (n >> 3)) return undefined; // rebuilt by one sort on the next sortedRows
  for (const i of fresh) {
    const v = col[i];
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const w = col[kept[mid]];
      if (w < v || (w === v && kept[mid] < i)) lo = mid + 1;
      else hi = mid;
    }
    kept.copyWithin(lo + 1, lo, n);
    kept[lo] = i;
    n++;
  }
  return kept.subarray(0, n);
}
