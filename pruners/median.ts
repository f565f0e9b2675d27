import { PercentilePruner, type PercentilePrunerConfig } from './percentile.js';

/**
 * The percentile pruner at 50: prunes a trial whose best value so far is worse than the median of the
 * complete trials at the same step (Optuna's MedianPruner, the Google Vizier "median stopping rule",
 * Golovin et al. 2017).
 */
export class MedianPruner extends PercentilePruner {
  constructor(config: Omit<PercentilePrunerConfig, 'percentile'>) {
    super({ ...config, percentile: 50 });
  }
}
