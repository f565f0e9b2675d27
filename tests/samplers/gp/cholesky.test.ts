import { describe, expect, it } from 'vitest';
import { choleskyInPlace, choleskyWithJitter, dot, inverseFromCholesky, solveLower, solveLowerTransposed } from '../../../samplers/gp/cholesky.js';

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

// The one-dot-at-a-time factorisation and inverse the paired (dot2) versions must reproduce bit for bit.
function choleskyByDot(A: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(A);
  for (let j = 0; j < n; j++) {
    const ljj = Math.sqrt(a[j * n + j] - dot(a, j * n, a, j * n, j));
    a[j * n + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < n; i++) a[i * n + j] = (a[i * n + j] - dot(a, i * n, a, j * n, j)) * inv;
    for (let k = j + 1; k < n; k++) a[j * n + k] = 0;
  }
  return a;
}
function inverseByDot(L: Float64Array, n: number): Float64Array {
  const U = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    U[j * n + j] = 1 / L[j * n + j];
    for (let i = j + 1; i < n; i++) U[j * n + i] = -dot(L, i * n + j, U, j * n + j, i - j) / L[i * n + i];
  }
  const inv = new Float64Array(n * n);
  for (let a = 0; a < n; a++) for (let b = 0; b <= a; b++) inv[a * n + b] = inv[b * n + a] = dot(U, a * n + a, U, b * n + a, n - a);
  return inv;
}

describe('Cholesky factor and inverse', () => {
  it.each([1, 2, 3, 4, 5, 7, 8, 13, 64, 129])('are bit-identical to one dot product at a time, and invert (n = %i)', (n) => {
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = Math.exp(-((i - j) ** 2) / 50) + (i === j ? 1e-3 : 0);
    const L = Float64Array.from(A);
    expect(choleskyInPlace(L, n)).toBe(true);
    expect(Array.from(L)).toEqual(Array.from(choleskyByDot(A, n)));
    const inv = inverseFromCholesky(L, n);
    expect(Array.from(inv)).toEqual(Array.from(inverseByDot(L, n)));
    for (let i = 0; i < n; i++) {
      let e = 0;
      for (let k = 0; k < n; k++) e += A[i * n + k] * inv[k * n + ((i + 1) % n)];
      expect(e).toBeCloseTo((i + 1) % n === i ? 1 : 0, 6);
    }
  });
});

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

