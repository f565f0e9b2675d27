import { createRng } from '../../src/core/rng.js';
import type { BenchFunction } from '../quality/functions.js';

/**
 * Synthetic learning curves for the pruning benchmark. A configuration x (a point of a suite function's box)
 * trains for `maxSteps` steps; its loss starts at a level shared by every configuration and decays towards its
 * final value f(x) (the suite function) with a time constant τ(x):
 *
 *   loss(t) = f(x) + (start − f(x)) · (e^(−t/τ) − e^(−T/τ)) / (1 − e^(−T/τ))      (so loss(T) = f(x) exactly)
 *
 * τ ranges over [tauMin, tauMax] and is longer for better configurations more often than not (the
 * "low learning rate converges slower but further" pattern), plus an independent smooth component, so curves
 * cross and the ranking after a few steps is not the final one. Each report adds a little Gaussian noise.
 */
export interface CurveModel {
  readonly fn: BenchFunction;
  readonly maxSteps: number;
  /** Typical regret of a random configuration (its median), the scale of everything else. */
  readonly scale: number;
  /** The loss every configuration starts from. */
  readonly start: number;
  readonly tauMin: number;
  readonly tauMax: number;
  /** Weight of quality in the slowness (0: speed independent of quality; 1: the best are always the slowest). */
  readonly lateBloom: number;
  /** Noise standard deviation, as a fraction of `scale`. */
  readonly noise: number;
}

export interface CurveOptions {
  readonly maxSteps?: number;
  readonly tauMin?: number;
  readonly tauMax?: number;
  readonly lateBloom?: number;
  readonly noise?: number;
}

/** The model for a suite function; scale and start are measured on 2,000 fixed random points. */
export function curveModelOf(fn: BenchFunction, options: CurveOptions = {}): CurveModel {
  const tauMin = options.tauMin ?? 2;
  const rng = createRng(20261126, fn.name);
  const regrets: number[] = [];
  for (let i = 0; i < 2000; i++) regrets.push(fn.f(fn.bounds.map(([lo, hi]) => rng.uniform(lo, hi))) - fn.optimum);
  regrets.sort((a, b) => a - b);
  const scale = regrets[1000];
  const high = regrets[Math.floor(0.95 * regrets.length)];
  return {
    fn,
    maxSteps: options.maxSteps ?? 100,
    scale,
    start: fn.optimum + 1.5 * high,
    tauMin,
    tauMax: Math.max(options.tauMax ?? 60, tauMin),
    lateBloom: options.lateBloom ?? 0.6,
    noise: options.noise ?? 0.01,
  };
}

/** The time constant of x: better configurations (lower regret) lean slow; a smooth wave adds its own spread. */
export function timeConstant(model: CurveModel, x: readonly number[]): number {
  const { fn, scale } = model;
  const regret = Math.max(fn.f(x) - fn.optimum, 0);
  const quality = 1 - regret / (regret + scale); // 1 at the optimum, 0.5 at a median configuration
  let phase = 0;
  fn.bounds.forEach(([lo, hi], i) => (phase += ((x[i] - lo) / (hi - lo)) * (1.7 + 0.9 * i)));
  const wave = 0.5 + 0.5 * Math.sin(2 * Math.PI * phase);
  const u = model.lateBloom * quality + (1 - model.lateBloom) * wave;
  return model.tauMin * (model.tauMax / model.tauMin) ** Math.min(Math.max(u, 0), 1);
}

/** Noise-free loss of x after `step` steps (1..maxSteps). */
export function lossAt(model: CurveModel, x: readonly number[], step: number, tau = timeConstant(model, x)): number {
  const final = model.fn.f(x);
  const T = model.maxSteps;
  const decay = (Math.exp(-step / tau) - Math.exp(-T / tau)) / (1 - Math.exp(-T / tau));
  return final + (model.start - final) * decay;
}

/** The reported (noisy) loss: noise is a pure function of (seed, trial number, step), identical across methods. */
export function reportedLoss(model: CurveModel, x: readonly number[], step: number, seed: number, trialKey: string, tau?: number): number {
  return lossAt(model, x, step, tau) + model.noise * model.scale * createRng(seed, trialKey, step).normal();
}
