import { type Distribution, type SearchSpace, validateDistribution } from '../../core/distribution.js';
import { InvalidArgumentError } from '../../core/errors.js';
import type { Distribution as WireDistribution, ParamSpec } from '../../generated/hpo/v1/distribution.js';
import { paramValueFromWire, paramValueToWire } from './param-value.js';
import { MAX_PARAM_NAME_LENGTH, requireName, requireUnique } from './wire-checks.js';

/**
 * A wire Distribution as a validated domain distribution. Errors name the exact proto field, e.g.
 * `search_space[2].distribution.float.low`.
 */
export function distributionFromWire(d: WireDistribution | undefined, field: string): Distribution {
  const kind = d?.kind;
  switch (kind?.$case) {
    case 'float': {
      const f = kind.value;
      return validateDistribution(
        { kind: 'float', low: f.low, high: f.high, log: f.log, ...(f.step !== undefined ? { step: f.step } : {}) },
        `${field}.float`,
      );
    }
    case 'int': {
      const i = kind.value;
      return validateDistribution({ kind: 'int', low: i.low, high: i.high, log: i.log, step: i.step ?? 1 }, `${field}.int`);
    }
    case 'categorical':
      return validateDistribution(
        {
          kind: 'categorical',
          choices: kind.value.choices.map((c, index) => paramValueFromWire(c, `${field}.categorical.choices[${index}]`)),
        },
        `${field}.categorical`,
      );
    case undefined:
      throw new InvalidArgumentError(field, 'must be set to one of float, int, categorical');
  }
}

export function distributionToWire(d: Distribution): WireDistribution {
  switch (d.kind) {
    case 'float':
      return { kind: { $case: 'float', value: { low: d.low, high: d.high, log: d.log, step: d.step } } };
    case 'int':
      return { kind: { $case: 'int', value: { low: d.low, high: d.high, log: d.log, step: d.step } } };
    case 'categorical':
      return { kind: { $case: 'categorical', value: { choices: d.choices.map(paramValueToWire) } } };
  }
}

/** A list of named distributions, in order; names checked for length and duplicates. */
export function paramSpecsFromWire(
  specs: readonly ParamSpec[],
  field: string,
): Array<{ name: string; distribution: Distribution }> {
  const params = specs.map((spec, i) => ({
    name: requireName(spec.name, `${field}[${i}].name`, MAX_PARAM_NAME_LENGTH),
    distribution: distributionFromWire(spec.distribution, `${field}[${i}].distribution`),
  }));
  requireUnique(params, (p) => p.name, (i) => `${field}[${i}].name`, 'parameter name');
  return params;
}

/** A declared search space (ask): parameters by name in declaration order. */
export function searchSpaceFromWire(specs: readonly ParamSpec[], field: string): SearchSpace {
  // fromEntries defines own properties, so a parameter called "__proto__" stays a parameter.
  return Object.fromEntries(paramSpecsFromWire(specs, field).map((p) => [p.name, p.distribution]));
}
