import { type Distribution, snapToDistribution } from '../../src/core/distribution.js';

/**
 * A parameter as the Parzen estimators see it: a numeric axis (log-transformed for log distributions, widened
 * by half a step on each side for grids so every grid value owns an equal slice) or a set of categories.
 */
export type ParamDomain =
  | {
      readonly kind: 'numeric';
      /** Bounds of the axis the kernels live on (transformed, widened). */
      readonly low: number;
      readonly high: number;
      /** Grid step on the axis (non-log int or stepped float); kernels are then integrated over one step. */
      readonly step: number | undefined;
      readonly log: boolean;
      readonly distribution: Distribution;
    }
  | { readonly kind: 'categorical'; readonly nChoices: number; readonly distribution: Distribution };

export function paramDomainOf(d: Distribution): ParamDomain {
  switch (d.kind) {
    case 'categorical':
      return { kind: 'categorical', nChoices: d.choices.length, distribution: d };
    case 'float':
      if (d.log) return { kind: 'numeric', low: Math.log(d.low), high: Math.log(d.high), step: undefined, log: true, distribution: d };
      if (d.step !== undefined)
        return { kind: 'numeric', low: d.low - d.step / 2, high: d.high + d.step / 2, step: d.step, log: false, distribution: d };
      return { kind: 'numeric', low: d.low, high: d.high, step: undefined, log: false, distribution: d };
    case 'int':
      // NOTE: as Optuna does, a log int is continuous on [log(low − ½), log(high + ½)] and rounded after.
      if (d.log) return { kind: 'numeric', low: Math.log(d.low - 0.5), high: Math.log(d.high + 0.5), step: undefined, log: true, distribution: d };
      return { kind: 'numeric', low: d.low - d.step / 2, high: d.high + d.step / 2, step: d.step, log: false, distribution: d };
  }
}

/** An internal (distribution) value on the estimator's axis. */
export function toAxis(domain: ParamDomain, x: number): number {
  return domain.kind === 'numeric' && domain.log ? Math.log(x) : x;
}

/** The distribution's internal value for a point on the axis (rounded onto the grid, clipped to the range). */
export function fromAxis(domain: ParamDomain, y: number): number {
  if (domain.kind === 'categorical') return y;
  return snapToDistribution(domain.distribution, domain.log ? Math.exp(y) : y);
}
