import { InvalidArgumentError } from '../src/core/errors.js';
import type { Sampler } from '../src/core/sampler.js';
import { GpSampler } from './gp/gp-sampler.js';
import { GridSampler } from './grid.js';
import { QmcSampler } from './qmc/qmc-sampler.js';
import { RandomSampler } from './random.js';
import { TpeSampler } from './tpe/tpe-sampler.js';
import type { SamplerSpec } from './sampler-spec.js';

/**
 * Builds a sampler from its spec, validating the options (InvalidArgumentError naming the field).
 * The service calls it once per study per process and keeps the instance with the study's cache.
 */
export function createSampler(spec: SamplerSpec): Sampler {
  switch (spec.kind) {
    case 'random':
      return new RandomSampler();
    case 'grid':
      return new GridSampler(spec.axes);
    case 'qmc':
      return new QmcSampler(spec.options);
    case 'tpe':
      return new TpeSampler(spec.options);
    case 'gp':
      return new GpSampler(spec.options);
  }
}
