import { describe, expect, it } from 'vitest';
import { SOBOL_MAX_DIMENSION, SobolSequence, sobolDirections } from '../../../samplers/qmc/sobol.js';

// Reference points of the unscrambled sequence with Joe & Kuo's new-joe-kuo-6.21201 direction numbers, as
// scipy.stats.qmc.Sobol(d=1024, scramble=False) enumerates them, coordinates 0, 1, 2, 5, 9, 99, 1023.
const COLUMNS = [0, 1, 2, 5, 9, 99, 1023];
const REFERENCE: Record<number, number[]> = {
  0: [0, 0, 0, 0, 0, 0, 0],
  1: [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5],
  2: [0.75, 0.25, 0.25, 0.75, 0.75, 0.75, 0.75],
  3: [0.25, 0.75, 0.75, 0.25, 0.25, 0.25, 0.25],
  4: [0.375, 0.375, 0.625, 0.125, 0.625, 0.875, 0.875],
  5: [0.875, 0.875, 0.125, 0.625, 0.125, 0.375, 0.375],
  6: [0.625, 0.125, 0.875, 0.875, 0.375, 0.125, 0.125],
  7: [0.125, 0.625, 0.375, 0.375, 0.875, 0.625, 0.625],
  13: [0.8125, 0.6875, 0.8125, 0.9375, 0.4375, 0.5625, 0.4375],
  1000: [0.2197265625, 0.0966796875, 0.5185546875, 0.9072265625, 0.0693359375, 0.1865234375, 0.7138671875],
  12345: [0.64093017578125, 0.81341552734375, 0.16033935546875, 0.05889892578125, 0.42962646484375, 0.53887939453125, 0.57708740234375],
};

describe('SobolSequence', () => {
  it('has direction numbers for at least 1024 dimensions', () => {
    expect(SOBOL_MAX_DIMENSION).toBeGreaterThanOrEqual(1024);
  });

  it('reproduces the published unscrambled points exactly', () => {
    const seq = new SobolSequence(1024);
    for (const [index, expected] of Object.entries(REFERENCE)) {
      const p = seq.point(Number(index));
      expect(COLUMNS.map((j) => p[j])).toEqual(expected);
    }
  });

  it('derives the direction integers of dimension 2 (x^2 + x + 1, m = 1, 3) by the recurrence', () => {
    // m_3 = 2 m_2 ^ 4 m_1 ^ m_1 = 6 ^ 4 ^ 1 = 3; m_4 = 2 m_3 ^ 4 m_2 ^ m_2 = 6 ^ 12 ^ 3 = 9.
    const v = sobolDirections(2);
    const m = Array.from(v.slice(0, 4), (x, k) => x / 2 ** (31 - k));
    expect(m).toEqual([1, 3, 3, 9]);
  });

  it('keeps scrambled points in [0, 1) and reproduces them for the same seed', () => {
    const a = new SobolSequence(40, [7]);
    const b = new SobolSequence(40, [7]);
    const c = new SobolSequence(40, [8]);
    let differs = false;
    for (let i = 0; i < 512; i++) {
      const p = a.point(i);
      for (const v of p) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThan(1);
      }
      expect(Array.from(b.point(i))).toEqual(Array.from(p));
      if (c.point(i)[0] !== p[0]) differs = true;
    }
    expect(differs).toBe(true);
  });

  it('keeps the net property when scrambled: the first 2^k points put one point in each dyadic interval', () => {
    const seq = new SobolSequence(8, [42]);
    for (let j = 0; j < 8; j++) {
      const cells = new Set<number>();
      for (let i = 0; i < 64; i++) cells.add(Math.floor(seq.point(i)[j] * 64));
      expect(cells.size).toBe(64);
    }
  });

  it('fills the first 2-d projection evenly: 256 scrambled points put one in every 1/16 x 1/16 cell', () => {
    const seq = new SobolSequence(6, [3]);
    const cells = new Set<number>();
    for (let i = 0; i < 256; i++) {
      const p = seq.point(i);
      cells.add(Math.floor(p[0] * 16) * 16 + Math.floor(p[1] * 16));
    }
    expect(cells.size).toBe(256);
  });
});
