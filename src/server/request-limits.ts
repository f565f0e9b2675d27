import { InvalidArgumentError } from '../core/errors.js';
import type { Distribution, ParamSpec, ParamValue } from '../generated/hpo/v1/distribution.js';
import type { HpoServiceService } from '../generated/hpo/v1/hpo_service.js';
import type { SamplerSpec } from '../generated/hpo/v1/sampler.js';
import type { HpoRpcName } from './auth/rpc-scopes.js';
import type { Limits } from './limits.js';

/** The decoded request message of an RPC, as ts-proto types it. */
export type RequestOf<R extends HpoRpcName> = ReturnType<(typeof HpoServiceService)[R]['requestDeserialize']>;

type RequestChecks = { readonly [R in HpoRpcName]: (request: RequestOf<R>, limits: Limits) => void };

/**
 * Bounds on one decoded request that nothing behind this layer enforces (see limits.ts for who enforces the
 * rest): how many choices, axes, constraints, attributes, states, and how long a string parameter value. Every
 * exceeded bound is an InvalidArgumentError naming the field in proto style. These checks run before the
 * conversions, on whatever ts-proto decoded, so they only count and never recurse.
 *
 * The table has one entry per RPC, so the compiler flags a new RPC that has none.
 */
const REQUEST_CHECKS: RequestChecks = {
  createStudy(request, limits) {
    atMost(request.userAttrs.length, limits.maxUserAttrsPerRequest, 'user_attrs', 'attributes');
    if (request.sampler !== undefined) checkSampler(request.sampler, 'sampler', limits);
  },
  getStudy() {},
  listStudies() {},
  deleteStudy() {},
  setStudyUserAttr() {},
  ask(request, limits) {
    checkParamSpecs(request.searchSpace, 'search_space', limits);
  },
  suggest(request, limits) {
    checkParamSpecs(request.params, 'params', limits);
  },
  report() {},
  tell(request, limits) {
    atMost(request.constraints.length, limits.maxConstraints, 'constraints', 'constraint values');
  },
  // The same bounds as Tell's and Ask's, on each half; a missing half is the conversion's to refuse.
  tellAndAsk(request, limits) {
    if (request.tell !== undefined) atMost(request.tell.constraints.length, limits.maxConstraints, 'tell.constraints', 'constraint values');
    if (request.ask !== undefined) checkParamSpecs(request.ask.searchSpace, 'ask.search_space', limits);
  },
  heartbeat() {},
  enqueueTrial(request, limits) {
    atMost(request.params.length, limits.maxParamsPerTrial, 'params', 'parameters per trial');
    request.params.forEach((param, i) => checkParamValue(param.value, `params[${i}].value`, limits));
    atMost(request.userAttrs.length, limits.maxUserAttrsPerRequest, 'user_attrs', 'attributes');
  },
  getTrial() {},
  listTrials(request, limits) {
    atMost(request.states.length, limits.maxStateFilters, 'states', 'states');
  },
  getBestTrials() {},
  setTrialUserAttr() {},
};

/** Throws an InvalidArgumentError naming the first field of `request` that exceeds a limit. */
export function checkRequestLimits<R extends HpoRpcName>(rpc: R, request: RequestOf<R>, limits: Limits): void {
  (REQUEST_CHECKS[rpc] as (request: RequestOf<R>, limits: Limits) => void)(request, limits);
}

function atMost(count: number, max: number, field: string, what: string): void {
  if (count > max) throw new InvalidArgumentError(field, `at most ${max} ${what} allowed, got ${count}`);
}

/** The number of specs is the service's to bound (per call and per trial); their choices are this layer's. */
function checkParamSpecs(specs: readonly ParamSpec[], field: string, limits: Limits): void {
  specs.forEach((spec, i) => {
    if (spec.distribution !== undefined) checkDistribution(spec.distribution, `${field}[${i}].distribution`, limits);
  });
}

function checkDistribution(distribution: Distribution, field: string, limits: Limits): void {
  if (distribution.kind?.$case !== 'categorical') return;
  checkParamValues(distribution.kind.value.choices, `${field}.categorical.choices`, limits, 'choices');
}

function checkParamValues(values: readonly ParamValue[], field: string, limits: Limits, what: string): void {
  atMost(values.length, limits.maxCategoricalChoices, field, what);
  values.forEach((value, i) => checkParamValue(value, `${field}[${i}]`, limits));
}

function checkParamValue(value: ParamValue | undefined, field: string, limits: Limits): void {
  if (value?.kind?.$case === 'stringValue')
    atMost(value.kind.value.length, limits.maxStringValueLength, `${field}.string_value`, 'characters');
}

function checkSampler(sampler: SamplerSpec, field: string, limits: Limits): void {
  if (sampler.kind?.$case !== 'grid') return;
  const axes = sampler.kind.value.axes;
  atMost(axes.length, limits.maxParamsPerTrial, `${field}.grid.axes`, 'axes (parameters per trial)');
  axes.forEach((axis, i) => checkParamValues(axis.values, `${field}.grid.axes[${i}].values`, limits, 'values per axis'));
}
