import { describe, expect, it } from 'vitest';
import { logExpectedImprovement, logH, logHDerivative } from '../../../samplers/gp/log-ei.js';
import { erfcx, logNormalCdf } from '../../../samplers/gp/normal-tail.js';

// Direct formula: EI = σ (φ(z) + z Φ(z)), Φ via a plain erfc series-free route that underflows far out.
function phi(z: number): number {
  return Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
}
function Phi(z: number): number {
  // Reference from erfcx (validated below against scipy); fine where the direct product does not underflow.
  return z < 0 ? 0.5 * erfcx(-z / Math.SQRT2) * Math.exp(-0.5 * z * z) : 1 - 0.5 * erfcx(z / Math.SQRT2) * Math.exp(-0.5 * z * z);
}

describe('erfcx and log Φ', () => {
  it('match scipy.special.erfcx and log_ndtr', () => {
    const erfcxRef: Array<[number, number]> = [
      [0, 1],
      [0.3, 0.7345993345676554],
      [1.9, 0.26650937366167254],
      [2.1, 0.24511912334517244],
      [10, 0.05614099274382259],
      [1e4, 5.641895807268084e-5],
    ];
    for (const [x, want] of erfcxRef) expect(erfcx(x) / want - 1).toBeLessThan(1e-13);
    const logPhiRef: Array<[number, number]> = [
      [-40, -804.6084420137539],
      [-5, -15.064998393988727],
      [-1, -1.8410216450092634],
      [3, -0.0013508099647481925],
    ];
    for (const [z, want] of logPhiRef) expect(Math.abs(logNormalCdf(z) / want - 1)).toBeLessThan(1e-13);
  });
});

describe('log expected improvement', () => {
  it('equals the log of the direct formula wherever the direct formula is representable', () => {
    for (const z of [5, 2, 0.5, 0, -0.5, -1, -2, -5, -10, -20, -30]) {
      const direct = Math.log(phi(z) + z * Phi(z));
      expect(Number.isFinite(direct)).toBe(true);
      expect(Math.abs(logH(z) - direct)).toBeLessThan(1e-8 * Math.max(1, Math.abs(direct)));
    }
    const r = logExpectedImprovement(1.2, 0.5, 1);
    const z = (1.2 - 1) / 0.5;
    expect(r.value).toBeCloseTo(Math.log(0.5 * (phi(z) + z * Phi(z))), 12);
  });

  it('stays finite, monotone and informative where EI underflows to zero', () => {
    let previous = Infinity;
    for (const z of [-38, -40, -100, -1e3, -1e6, -1e8, -1e10, -1e150]) {
      const direct = phi(z) + z * Phi(z);
      expect(direct <= 0 || direct < 1e-300).toBe(true);
      const v = logH(z);
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeLessThan(previous);
      previous = v;
      const d = logHDerivative(z);
      expect(Number.isFinite(d)).toBe(true);
      expect(d).toBeGreaterThan(0);
    }
    const far = logExpectedImprovement(-50, 1e-6, 10);
    expect(Number.isFinite(far.value) && Number.isFinite(far.dMean) && Number.isFinite(far.dSigma)).toBe(true);
  });

  it('joins its branches continuously at z = -1 and at the asymptotic switch', () => {
    expect(logH(-1 + 1e-12)).toBeCloseTo(logH(-1 - 1e-12), 9);
    const switchZ = -100;
    expect(logH(switchZ * (1 - 1e-9)) / logH(switchZ * (1 + 1e-9))).toBeCloseTo(1, 8);
  });

  it('has a derivative matching finite differences on every branch', () => {
    for (const z of [1.5, -0.5, -3, -25, -1e4]) {
      const h = 1e-6 * Math.max(1, Math.abs(z));
      const fd = (logH(z + h) - logH(z - h)) / (2 * h);
      expect(logHDerivative(z) / fd).toBeCloseTo(1, 5);
    }
    // Far out finite differences lose every digit; there d log h/dz → -z - 2/z.
    expect(logHDerivative(-1e9) / 1e9).toBeCloseTo(1, 9);
  });
});
