/**
 * Box-constrained limited-memory BFGS, written once and shared by the GP sampler (kernel hyperparameters,
 * acquisition refinement) and anything else that needs a smooth bounded minimiser.
 *
 * NOTE: this is the projected active-set variant of L-BFGS-B (Byrd, Lu, Nocedal & Zhu 1995, "A limited memory
 * algorithm for bound constrained optimization"; the active-set / projected quasi-Newton form of Kim, Sra &
 * Dhillon 2010, "Tackling box-constrained optimization via a new projected quasi-Newton approach") rather than
 * the generalised-Cauchy-point version: variables on a bound whose gradient pushes outward are frozen, the
 * two-loop recursion runs on the free variables, and the step is searched on the feasible segment
 * [0, t_max] with a strong-Wolfe line search (Nocedal & Wright 2006, Algorithms 3.5/3.6). Every iterate is
 * feasible, every step decreases f (Armijo), and the curvature pair is stored only when s'y > 0, so the
 * inverse-Hessian approximation stays positive definite. Converges to a point where the projected gradient
 * vanishes.
 */

/** Writes the gradient of f at x into `gradient` and returns f(x). Non-finite values are treated as "too far". */
export type ValueAndGradient = (x: Float64Array, gradient: Float64Array) => number;

export interface LbfgsbOptions {
  /** Lower bounds (may contain -Infinity); unbounded when omitted. */
  readonly lower?: ArrayLike<number>;
  /** Upper bounds (may contain +Infinity); unbounded when omitted. */
  readonly upper?: ArrayLike<number>;
  /** Stop when the infinity norm of the projected gradient is at most this (default 1e-5). */
  readonly gtol?: number;
  /** Stop when the relative decrease of f in an iteration is at most this (default 1e-12). */
  readonly ftol?: number;
  /** Iteration cap (default 200). */
  readonly maxIterations?: number;
  /** Function-evaluation cap, line searches included (default 20 × maxIterations). */
  readonly maxEvaluations?: number;
  /** Number of curvature pairs kept (default 10). */
  readonly memory?: number;
}

export type LbfgsbStop = 'gtol' | 'ftol' | 'max-iterations' | 'max-evaluations' | 'line-search' | 'non-finite-start';

export interface LbfgsbResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly gradient: Float64Array;
  readonly iterations: number;
  readonly evaluations: number;
  /** True when stopped by gtol or ftol. */
  readonly converged: boolean;
  readonly stop: LbfgsbStop;
}

// Wolfe constants (Nocedal & Wright's usual choices for quasi-Newton methods).
const C1 = 1e-4;
const C2 = 0.9;
const MAX_LINE_SEARCH_STEPS = 30;

/** Minimises f within the box [lower, upper], starting from x0 (projected into the box first). */
export function minimizeLbfgsb(f: ValueAndGradient, x0: ArrayLike<number>, options: LbfgsbOptions = {}): LbfgsbResult {
  const n = x0.length;
  const lower = Float64Array.from({ length: n }, (_, i) => (options.lower ? options.lower[i] : -Infinity));
  const upper = Float64Array.from({ length: n }, (_, i) => (options.upper ? options.upper[i] : Infinity));
  const gtol = options.gtol ?? 1e-5;
  const ftol = options.ftol ?? 1e-12;
  const maxIterations = options.maxIterations ?? 200;
  const maxEvaluations = options.maxEvaluations ?? 20 * maxIterations;
  const m = Math.max(1, options.memory ?? 10);

  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.min(upper[i], Math.max(lower[i], x0[i]));
  const g = new Float64Array(n);
  let evaluations = 1;
  let fx = f(x, g);
  if (!Number.isFinite(fx) || !allFinite(g)) {
    return { x, f: fx, gradient: g, iterations: 0, evaluations, converged: false, stop: 'non-finite-start' };
  }

  const sHistory: Float64Array[] = [];
  const yHistory: Float64Array[] = [];
  const rhoHistory: number[] = [];
  const free = new Uint8Array(n);
  const d = new Float64Array(n);
  const q = new Float64Array(n);
  const alpha = new Float64Array(m);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);

  let iterations = 0;
  let stop: LbfgsbStop = 'max-iterations';
  while (iterations < maxIterations) {
    if (projectedGradientNorm(x, g, lower, upper) <= gtol) {
      stop = 'gtol';
      break;
    }
    if (evaluations >= maxEvaluations) {
      stop = 'max-evaluations';
      break;
    }
    // Active set: at a bound with the gradient pointing out of the box.
    for (let i = 0; i < n; i++) {
      const atLower = x[i] <= lower[i] && g[i] > 0;
      const atUpper = x[i] >= upper[i] && g[i] < 0;
      free[i] = atLower || atUpper ? 0 : 1;
    }
    twoLoopDirection(g, free, sHistory, yHistory, rhoHistory, q, alpha, d);
    // A frozen coordinate whose step would leave the box is frozen too; then insist on descent.
    let slope = 0;
    for (let i = 0; i < n; i++) {
      if ((x[i] <= lower[i] && d[i] < 0) || (x[i] >= upper[i] && d[i] > 0)) d[i] = 0;
      slope += d[i] * g[i];
    }
    if (!(slope < 0)) {
      // The quasi-Newton model lost its way (stale curvature near the bounds): restart from steepest descent.
      sHistory.length = 0;
      yHistory.length = 0;
      rhoHistory.length = 0;
      slope = 0;
      for (let i = 0; i < n; i++) {
        d[i] = free[i] ? -g[i] : 0;
        if ((x[i] <= lower[i] && d[i] < 0) || (x[i] >= upper[i] && d[i] > 0)) d[i] = 0;
        slope += d[i] * g[i];
      }
      if (!(slope < 0)) {
        stop = 'gtol';
        break;
      }
    }
    let tMax = Infinity;
    for (let i = 0; i < n; i++) {
      if (d[i] < 0 && lower[i] > -Infinity) tMax = Math.min(tMax, (lower[i] - x[i]) / d[i]);
      else if (d[i] > 0 && upper[i] < Infinity) tMax = Math.min(tMax, (upper[i] - x[i]) / d[i]);
    }
    // First iteration: a unit step along the raw gradient can be wildly scaled.
    let t0 = sHistory.length === 0 ? Math.min(1, 1 / Math.max(1e-12, infNorm(d))) : 1;
    t0 = Math.min(t0, tMax);
    const search = strongWolfeSearch(f, x, fx, g, d, slope, t0, tMax, xNew, gNew, lower, upper);
    evaluations += search.evaluations;
    if (search.t <= 0) {
      stop = 'line-search';
      break;
    }
    iterations++;
    // Curvature pair from the accepted step.
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i] - x[i];
      y[i] = gNew[i] - g[i];
      sy += s[i] * y[i];
      yy += y[i] * y[i];
    }
    if (sy > 1e-10 * yy) {
      if (sHistory.length === m) {
        sHistory.shift();
        yHistory.shift();
        rhoHistory.shift();
      }
      sHistory.push(s);
      yHistory.push(y);
      rhoHistory.push(1 / sy);
    }
    const fOld = fx;
    fx = search.f;
    x.set(xNew);
    g.set(gNew);
    if ((fOld - fx) / Math.max(Math.abs(fOld), Math.abs(fx), 1) <= ftol) {
      stop = 'ftol';
      break;
    }
  }
  return { x, f: fx, gradient: g, iterations, evaluations, converged: stop === 'gtol' || stop === 'ftol', stop };
}

/** The infinity norm of the projected gradient P(x - g) - x: zero exactly at a KKT point of the box problem. */
export function projectedGradientNorm(
  x: ArrayLike<number>,
  g: ArrayLike<number>,
  lower: ArrayLike<number>,
  upper: ArrayLike<number>,
): number {
  let norm = 0;
  for (let i = 0; i < x.length; i++) {
    const moved = Math.min(upper[i], Math.max(lower[i], x[i] - g[i]));
    norm = Math.max(norm, Math.abs(moved - x[i]));
  }
  return norm;
}

// Two-loop recursion (Nocedal 1980) restricted to the free coordinates; d = -H g on them, 0 elsewhere.
function twoLoopDirection(
  g: Float64Array,
  free: Uint8Array,
  sHistory: readonly Float64Array[],
  yHistory: readonly Float64Array[],
  rhoHistory: readonly number[],
  q: Float64Array,
  alpha: Float64Array,
  d: Float64Array,
): void {
  const n = g.length;
  for (let i = 0; i < n; i++) q[i] = free[i] ? g[i] : 0;
  const k = sHistory.length;
  for (let j = k - 1; j >= 0; j--) {
    const s = sHistory[j];
    let a = 0;
    for (let i = 0; i < n; i++) if (free[i]) a += s[i] * q[i];
    a *= rhoHistory[j];
    alpha[j] = a;
    const y = yHistory[j];
    for (let i = 0; i < n; i++) if (free[i]) q[i] -= a * y[i];
  }
  let gamma = 1;
  if (k > 0) {
    const s = sHistory[k - 1];
    const y = yHistory[k - 1];
    let sy = 0;
    let yy = 0;
    for (let i = 0; i < n; i++) {
      if (!free[i]) continue;
      sy += s[i] * y[i];
      yy += y[i] * y[i];
    }
    if (sy > 0 && yy > 0) gamma = sy / yy;
  }
  for (let i = 0; i < n; i++) q[i] *= gamma;
  for (let j = 0; j < k; j++) {
    const y = yHistory[j];
    let b = 0;
    for (let i = 0; i < n; i++) if (free[i]) b += y[i] * q[i];
    b *= rhoHistory[j];
    const s = sHistory[j];
    const a = alpha[j];
    for (let i = 0; i < n; i++) if (free[i]) q[i] += s[i] * (a - b);
  }
  for (let i = 0; i < n; i++) d[i] = free[i] ? -q[i] : 0;
}

interface SearchResult {
  readonly t: number;
  readonly f: number;
  readonly evaluations: number;
}

/**
 * Strong-Wolfe line search on t in (0, tMax] (Nocedal & Wright Algorithm 3.5 with the zoom of 3.6, cubic
 * interpolation safeguarded by bisection). When the feasible segment ends before the curvature condition can
 * hold, the end of the segment is accepted if it satisfies sufficient decrease: a bound has been reached.
 * On return xOut/gOut hold the accepted point and gradient; t = 0 means no acceptable step was found.
 */
function strongWolfeSearch(
  f: ValueAndGradient,
  x: Float64Array,
  f0: number,
  g0: Float64Array,
  d: Float64Array,
  slope0: number,
  tInit: number,
  tMax: number,
  xOut: Float64Array,
  gOut: Float64Array,
  lower: Float64Array,
  upper: Float64Array,
): SearchResult {
  let evaluations = 0;
  const n = x.length;
  const evalAt = (t: number): { f: number; slope: number } => {
    for (let i = 0; i < n; i++) xOut[i] = Math.min(upper[i], Math.max(lower[i], x[i] + t * d[i]));
    evaluations++;
    const v = f(xOut, gOut);
    if (!Number.isFinite(v) || !allFinite(gOut)) return { f: Infinity, slope: NaN };
    let s = 0;
    for (let i = 0; i < n; i++) s += gOut[i] * d[i];
    return { f: v, slope: s };
  };
  // The best sufficient-decrease point seen, restored if the search ends without a Wolfe point.
  let bestT = 0;
  let bestF = f0;
  const bestX = new Float64Array(n);
  const bestG = new Float64Array(n);
  const remember = (t: number, v: number) => {
    if (v <= f0 + C1 * t * slope0 && v < bestF) {
      bestT = t;
      bestF = v;
      bestX.set(xOut);
      bestG.set(gOut);
    }
  };
  const finish = (): SearchResult => {
    if (bestT > 0) {
      xOut.set(bestX);
      gOut.set(bestG);
    } else {
      xOut.set(x);
      gOut.set(g0);
    }
    return { t: bestT, f: bestF, evaluations };
  };

  let tPrev = 0;
  let fPrev = f0;
  let slopePrev = slope0;
  let t = tInit;
  for (let iter = 0; iter < MAX_LINE_SEARCH_STEPS; iter++) {
    const cur = evalAt(t);
    if (!Number.isFinite(cur.f)) {
      // Shrink towards the last good point: the function is undefined or overflowing out there.
      tMax = t;
      t = tPrev + 0.1 * (t - tPrev);
      if (t - tPrev <= 1e-16 * Math.max(1, t)) return finish();
      continue;
    }
    remember(t, cur.f);
    if (cur.f > f0 + C1 * t * slope0 || (iter > 0 && cur.f >= fPrev)) {
      return zoom(tPrev, fPrev, slopePrev, t, cur.f, cur.slope);
    }
    if (Math.abs(cur.slope) <= -C2 * slope0) return { t, f: cur.f, evaluations };
    if (cur.slope >= 0) return zoom(t, cur.f, cur.slope, tPrev, fPrev, slopePrev);
    if (t >= tMax) return finish();
    tPrev = t;
    fPrev = cur.f;
    slopePrev = cur.slope;
    t = Math.min(tMax, 2 * t);
  }
  return finish();

  function zoom(tLo: number, fLo: number, sLo: number, tHi: number, fHi: number, sHi: number): SearchResult {
    for (let iter = 0; iter < MAX_LINE_SEARCH_STEPS; iter++) {
      let tj = cubicMinimizer(tLo, fLo, sLo, tHi, fHi, sHi);
      const a = Math.min(tLo, tHi);
      const b = Math.max(tLo, tHi);
      const margin = 0.1 * (b - a);
      if (!Number.isFinite(tj) || tj < a + margin || tj > b - margin) tj = 0.5 * (a + b);
      if (b - a <= 1e-16 * Math.max(1, b)) break;
      const cur = evalAt(tj);
      if (!Number.isFinite(cur.f)) {
        tHi = tj;
        fHi = Infinity;
        sHi = NaN;
        continue;
      }
      remember(tj, cur.f);
      if (cur.f > f0 + C1 * tj * slope0 || cur.f >= fLo) {
        tHi = tj;
        fHi = cur.f;
        sHi = cur.slope;
      } else {
        if (Math.abs(cur.slope) <= -C2 * slope0) return { t: tj, f: cur.f, evaluations };
        if (cur.slope * (tHi - tLo) >= 0) {
          tHi = tLo;
          fHi = fLo;
          sHi = sLo;
        }
        tLo = tj;
        fLo = cur.f;
        sLo = cur.slope;
      }
    }
    return finish();
  }
}

// Minimiser of the cubic interpolating (a, fa, da) and (b, fb, db) (Nocedal & Wright eq. 3.59); NaN if none.
function cubicMinimizer(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  if (!Number.isFinite(fb) || !Number.isFinite(db)) return NaN;
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  if (disc < 0) return NaN;
  const d2 = Math.sign(b - a) * Math.sqrt(disc);
  return b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
}

function infNorm(v: Float64Array): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

function allFinite(v: Float64Array): boolean {
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}
