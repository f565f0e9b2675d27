import type { PruneDecision, Pruner } from '../src/core/pruner.js';

/** Never prunes. */
export class NopPruner implements Pruner {
  readonly supportsMultiObjective = true;

  prune(): PruneDecision {
    return { prune: false, reason: 'pruning is off for this study' };
  }
}
