/**
 * The public suite of issue 4: standard synthetic objectives for HPO comparisons (minimisation), with the
 * same definitions, boxes and optima as the Optuna anchor runs (/work/shared/anchors/functions.py), so our
 * regrets and Optuna's are measured against the same numbers.
 */
export interface BenchFunction {
  /** Name as printed (and as the anchors spell it). */
  readonly name: string;
  readonly f: (x: readonly number[]) => number;
  /** [low, high] per dimension. */
  readonly bounds: readonly (readonly [number, number])[];
  /** The known minimum (as in the anchors, so regrets compare; a few are rounded, so regret may dip below 0). */
  readonly optimum: number;
  /** A point where the optimum is attained (for tests). */
  readonly argmin: readonly number[];
}

export function branin(x: readonly number[]): number {
  const [x1, x2] = x;
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
}

const H_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H3_A = [[3, 10, 30], [0.1, 10, 35], [3, 10, 30], [0.1, 10, 35]];
const H3_P = [[0.3689, 0.117, 0.2673], [0.4699, 0.4387, 0.747], [0.1091, 0.8732, 0.5547], [0.0381, 0.5743, 0.8828]];
const H6_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]];
const H6_P = [
  [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
  [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
  [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665],
  [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
];

function hartmann(x: readonly number[], A: number[][], P: number[][]): number {
  let s = 0;
  for (let i = 0; i < 4; i++) {
    let inner = 0;
    for (let j = 0; j < x.length; j++) inner += A[i][j] * (x[j] - P[i][j]) ** 2;
    s += H_ALPHA[i] * Math.exp(-inner);
  }
  return -s;
}

export const hartmann3 = (x: readonly number[]): number => hartmann(x, H3_A, H3_P);
export const hartmann6 = (x: readonly number[]): number => hartmann(x, H6_A, H6_P);

export function rosenbrock(x: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < x.length - 1; i++) s += 100 * (x[i + 1] - x[i] ** 2) ** 2 + (x[i] - 1) ** 2;
  return s;
}

export function ackley(x: readonly number[]): number {
  const d = x.length;
  let sq = 0;
  let cos = 0;
  for (const v of x) {
    sq += v * v;
    cos += Math.cos(2 * Math.PI * v);
  }
  return -20 * Math.exp(-0.2 * Math.sqrt(sq / d)) - Math.exp(cos / d) + 20 + Math.E;
}

export function styblinskiTang(x: readonly number[]): number {
  let s = 0;
  for (const v of x) s += v ** 4 - 16 * v * v + 5 * v;
  return 0.5 * s;
}

export function levy(x: readonly number[]): number {
  const w = x.map((v) => 1 + (v - 1) / 4);
  let s = Math.sin(Math.PI * w[0]) ** 2;
  for (let i = 0; i < w.length - 1; i++) s += (w[i] - 1) ** 2 * (1 + 10 * Math.sin(Math.PI * w[i] + 1) ** 2);
  const last = w[w.length - 1];
  return s + (last - 1) ** 2 * (1 + Math.sin(2 * Math.PI * last) ** 2);
}

export function rastrigin(x: readonly number[]): number {
  let s = 10 * x.length;
  for (const v of x) s += v * v - 10 * Math.cos(2 * Math.PI * v);
  return s;
}

export function sixHumpCamel(x: readonly number[]): number {
  const [x1, x2] = x;
  return (4 - 2.1 * x1 * x1 + x1 ** 4 / 3) * x1 * x1 + x1 * x2 + (-4 + 4 * x2 * x2) * x2 * x2;
}

export function michalewicz(x: readonly number[], m = 10): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.sin(x[i]) * Math.sin(((i + 1) * x[i] * x[i]) / Math.PI) ** (2 * m);
  return -s;
}

const box = (d: number, lo: number, hi: number): [number, number][] => Array.from({ length: d }, () => [lo, hi]);

// The minimiser of Michalewicz (d=5, m=10), as published (Surjanovic & Bingham's library) for d=2 and extended
// numerically per coordinate (each term is separable).
const MICHALEWICZ_ARGMIN = [2.202906, 1.570796, 1.284992, 1.923058, 1.720470];

/** The ten functions of the suite, in the order. */
export const SUITE: readonly BenchFunction[] = [
  { name: 'branin', f: branin, bounds: [[-5, 10], [0, 15]], optimum: 0.397887, argmin: [Math.PI, 2.275] },
  { name: 'hartmann3', f: hartmann3, bounds: box(3, 0, 1), optimum: -3.86278, argmin: [0.114614, 0.555649, 0.852547] },
  {
    name: 'hartmann6',
    f: hartmann6,
    bounds: box(6, 0, 1),
    optimum: -3.32237,
    argmin: [0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573],
  },
  { name: 'rosenbrock5', f: rosenbrock, bounds: box(5, -5, 10), optimum: 0, argmin: [1, 1, 1, 1, 1] },
  { name: 'ackley5', f: ackley, bounds: box(5, -32.768, 32.768), optimum: 0, argmin: [0, 0, 0, 0, 0] },
  {
    name: 'styblinski_tang5',
    f: styblinskiTang,
    bounds: box(5, -5, 5),
    optimum: -39.16617 * 5,
    argmin: Array.from({ length: 5 }, () => -2.903534),
  },
  { name: 'levy5', f: levy, bounds: box(5, -10, 10), optimum: 0, argmin: [1, 1, 1, 1, 1] },
  { name: 'six_hump_camel', f: sixHumpCamel, bounds: [[-3, 3], [-2, 2]], optimum: -1.031628, argmin: [0.0898, -0.7126] },
  { name: 'rastrigin5', f: rastrigin, bounds: box(5, -5.12, 5.12), optimum: 0, argmin: [0, 0, 0, 0, 0] },
  { name: 'michalewicz5', f: michalewicz, bounds: box(5, 0, Math.PI), optimum: -4.687658, argmin: MICHALEWICZ_ARGMIN },
];

/** A suite function by name (accepts the short names too: rosenbrock for rosenbrock5, …). */
export function findFunction(name: string): BenchFunction {
  const found = SUITE.find((fn) => fn.name === name || fn.name === `${name}5` || fn.name.replace(/_/g, '-') === name);
  if (!found) throw new Error(`unknown function "${name}"; known: ${SUITE.map((fn) => fn.name).join(', ')}`);
  return found;
}
