import { describe, expect, it } from 'vitest';
import { choleskyWithJitter, dot, solveLower, solveLowerTransposed } from '../../../samplers/gp/cholesky.js';

// A well-conditioned SPD matrix of size n: exp(-|i - j| / 3) plus a ridge.
function factor(n: number): Float64Array {
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = Math.exp(-Math.abs(i - j) / 3) + (i === j ? 0.5 : 0);
  return choleskyWithJitter(A, n)!.factor;
}

// The plain one-row-at-a-time substitutions the blocked ones must reproduce bit for bit.
function forwardByRow(L: Float64Array, n: number, b: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = (b[i] - dot(L, i * n, out, 0, i)) / L[i * n + i];
  return out;
}
function backByRow(L: Float64Array, n: number, b: Float64Array): Float64Array {
  const out = Float64Array.from(b);
  for (let i = n - 1; i >= 0; i--) {
    const xi = out[i] / L[i * n + i];
    out[i] = xi;
    for (let k = 0; k < i; k++) out[k] -= L[i * n + k] * xi;
  }
  return out;
}

describe('triangular solves', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 37, 200])('give bit-identical results to one row at a time, and solve the system (n = %i)', (n) => {
    const L = factor(n);
    const b = Float64Array.from({ length: n }, (_, i) => Math.sin(3 * i + 1));
    const fwd = solveLower(L, n, b, new Float64Array(n));
    const back = solveLowerTransposed(L, n, b, new Float64Array(n));
    expect(Array.from(fwd)).toEqual(Array.from(forwardByRow(L, n, b)));
    expect(Array.from(back)).toEqual(Array.from(backByRow(L, n, b)));
    // In place (out aliasing b) gives the same.
    const inPlace = Float64Array.from(b);
    expect(Array.from(solveLower(L, n, inPlace, inPlace))).toEqual(Array.from(fwd));
    const backInPlace = Float64Array.from(b);
    expect(Array.from(solveLowerTransposed(L, n, backInPlace, backInPlace))).toEqual(Array.from(back));
    for (let i = 0; i < n; i++) {
      let lx = 0;
      let ltx = 0;
      for (let k = 0; k <= i; k++) lx += L[i * n + k] * fwd[k];
      for (let k = i; k < n; k++) ltx += L[k * n + i] * back[k];
      expect(lx).toBeCloseTo(b[i], 10);
      expect(ltx).toBeCloseTo(b[i], 10);
    }
  });
});

