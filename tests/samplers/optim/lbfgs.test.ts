import { describe, expect, it } from 'vitest';
import { minimizeLbfgsb, projectedGradientNorm } from '../../../samplers/optim/lbfgs.js';

function rosenbrock(x: Float64Array, g: Float64Array): number {
  let f = 0;
  g.fill(0);
  for (let i = 0; i < x.length - 1; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    f += 100 * a * a + b * b;
    g[i] += -400 * x[i] * a - 2 * b;
    g[i + 1] += 200 * a;
  }
  return f;
}

describe('minimizeLbfgsb', () => {
  it('finds the minimum of the 2-d Rosenbrock function from the classic start (-1.2, 1)', () => {
    const r = minimizeLbfgsb(rosenbrock, [-1.2, 1], { gtol: 1e-8, maxIterations: 500 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
    expect(r.f).toBeLessThan(1e-10);
  });

  it('finds the minimum of the 10-d Rosenbrock function', () => {
    const x0 = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
    const r = minimizeLbfgsb(rosenbrock, x0, { gtol: 1e-7, maxIterations: 1000 });
    for (const xi of r.x) expect(xi).toBeCloseTo(1, 4);
  });

  it('stops on the bound when the unconstrained optimum of a quadratic lies outside the box', () => {
    // f = sum (x_i - c_i)^2 with c = (2, -3, 0.25); box [0, 1]^3: optimum (1, 0, 0.25).
    const c = [2, -3, 0.25];
    const f = (x: Float64Array, g: Float64Array) => {
      let v = 0;
      for (let i = 0; i < 3; i++) {
        v += (x[i] - c[i]) ** 2;
        g[i] = 2 * (x[i] - c[i]);
      }
      return v;
    };
    const lower = [0, 0, 0];
    const upper = [1, 1, 1];
    const r = minimizeLbfgsb(f, [0.5, 0.5, 0.9], { lower, upper });
    expect(r.converged).toBe(true);
    expect(Array.from(r.x)).toEqual([1, 0, expect.closeTo(0.25, 8)]);
    expect(projectedGradientNorm(r.x, r.gradient, lower, upper)).toBeLessThan(1e-5);
  });

  it('handles a coupled quadratic whose constrained optimum has one coordinate on a bound', () => {
    // f = x'Ax/2 - b'x with A = [[2,1],[1,2]], b = (-1, 4); box x1 >= 0. Unconstrained optimum (-2, 3);
    // constrained: x1 = 0, x2 = b2/A22 = 2.
    const f = (x: Float64Array, g: Float64Array) => {
      g[0] = 2 * x[0] + x[1] + 1;
      g[1] = x[0] + 2 * x[1] - 4;
      return x[0] * x[0] + x[0] * x[1] + x[1] * x[1] + x[0] - 4 * x[1];
    };
    const r = minimizeLbfgsb(f, [3, -3], { lower: [0, -Infinity], upper: [Infinity, Infinity] });
    expect(r.x[0]).toBe(0);
    expect(r.x[1]).toBeCloseTo(2, 6);
  });

  it('never evaluates outside the box', () => {
    const seen: number[][] = [];
    const r = minimizeLbfgsb(
      (x, g) => {
        seen.push(Array.from(x));
        return rosenbrock(x, g);
      },
      [0.1, 0.1],
      { lower: [-0.5, -0.5], upper: [0.5, 0.5] },
    );
    for (const p of seen) for (const v of p) expect(Math.abs(v)).toBeLessThanOrEqual(0.5);
    // Constrained Rosenbrock optimum on the box: x1 = 0.5, x2 = 0.25.
    expect(r.x[0]).toBeCloseTo(0.5, 5);
    expect(r.x[1]).toBeCloseTo(0.25, 5);
  });

  it('backs off from a region where f is not finite', () => {
    // log barrier: f = -log(1 - x) + x^2 is +Infinity for x >= 1 (no bound tells the optimiser).
    const f = (x: Float64Array, g: Float64Array) => {
      if (x[0] >= 1) {
        g[0] = NaN;
        return Infinity;
      }
      g[0] = 1 / (1 - x[0]) + 2 * x[0];
      return -Math.log(1 - x[0]) + x[0] * x[0];
    };
    const r = minimizeLbfgsb(f, [0.9], {});
    // f' = 0 at 1/(1-x) = -2x: x = (1 - sqrt(3))/2.
    expect(r.x[0]).toBeCloseTo((1 - Math.sqrt(3)) / 2, 5);
  });
});
