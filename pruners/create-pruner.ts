import { InvalidArgumentError } from '../src/core/errors.js';
import type { Pruner } from '../src/core/pruner.js';
import { NopPruner } from './nop.js';
import type { PrunerSpec } from './pruner-spec.js';

/**
 * Builds a pruner from its spec, validating the options (InvalidArgumentError naming the field).
 * `nObjectives` lets a pruner that cannot handle several objectives refuse clearly at study creation.
 */
export function createPruner(spec: PrunerSpec, nObjectives: number): Pruner {
  let pruner: Pruner;
  switch (spec.kind) {
    case 'nop':
      pruner = new NopPruner();
      break;
    default:
      throw new InvalidArgumentError('pruner', `the ${spec.kind} pruner is not available in this build yet`);
  }
  if (nObjectives > 1 && !pruner.supportsMultiObjective) {
    throw new InvalidArgumentError('pruner', `the ${spec.kind} pruner does not support studies with several objectives`);
  }
  return pruner;
}
