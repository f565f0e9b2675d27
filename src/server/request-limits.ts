import { InvalidArgumentError } from '../core/errors.js';
import type { Attribute, Distribution, FixedParam, ParamSpec, ParamValue } from '../generated/hpo/v1/distribution.js';
import type { HpoServiceService } from '../generated/hpo/v1/hpo_service.js';
import type { SamplerSpec } from '../generated/hpo/v1/sampler.js';
import type { HpoRpcName } from './auth/rpc-scopes.js';
import type { Limits } from './limits.js';

/** The decoded request message of an RPC, as ts-proto types it. */
export type RequestOf<R extends HpoRpcName> = ReturnType<(typeof HpoServiceService)[R]['requestDeserialize']>;

type RequestChecks = { readonly [R in HpoRpcName]: (request: RequestOf<R>, limits: Limits) => void };

/**
 * Bounds on the size of one decoded request: how many of a repeated thing, how large and deep an attribute
 * value, how large a page. Every exceeded bound is an InvalidArgumentError naming the field in proto style (the
 * request is malformed as sent; RESOURCE_EXHAUSTED is kept for stored totals and the message size). Validity
 * (ranges, NaN, names, nesting depth) is the wire conversions' and the service's job, not this one's. These
 * checks run before the conversions, on whatever ts-proto decoded, so they never recurse.
 *
 * The table has one entry per RPC, so the compiler flags a new RPC that has none.
 */
const REQUEST_CHECKS: RequestChecks = {
  createStudy(request, limits) {
    atMost(request.directions.length, limits.maxObjectives, 'directions', 'directions');
    checkAttributes(request.userAttrs, 'user_attrs', limits);
    if (request.sampler !== undefined) checkSampler(request.sampler, 'sampler', limits);
  },
  getStudy() {},
  listStudies(request, limits) {
    atMost(request.pageSize, limits.maxStudiesPageSize, 'page_size', 'studies per page');
  },
  deleteStudy() {},
  setStudyUserAttr(request, limits) {
    checkAttributeValue(request.value, 'value', limits);
  },
  ask(request, limits) {
    checkParamSpecs(request.searchSpace, 'search_space', limits);
  },
  suggest(request, limits) {
    checkParamSpecs(request.params, 'params', limits);
  },
  report() {},
  tell(request, limits) {
    atMost(request.values.length, limits.maxObjectives, 'values', 'values');
    atMost(request.constraints.length, limits.maxConstraints, 'constraints', 'constraint values');
    atMost(request.failReason.length, limits.maxFailReasonLength, 'fail_reason', 'characters');
  },
  heartbeat() {},
  enqueueTrial(request, limits) {
    checkFixedParams(request.params, 'params', limits);
    checkAttributes(request.userAttrs, 'user_attrs', limits);
  },
  getTrial() {},
  listTrials(request, limits) {
    atMost(request.states.length, limits.maxStateFilters, 'states', 'states');
    atMost(request.pageSize, limits.maxTrialsPageSize, 'page_size', 'trials per page');
  },
  getBestTrials() {},
  setTrialUserAttr(request, limits) {
    checkAttributeValue(request.value, 'value', limits);
  },
};

/** Throws an InvalidArgumentError naming the first field of `request` that exceeds a limit. */
export function checkRequestLimits<R extends HpoRpcName>(rpc: R, request: RequestOf<R>, limits: Limits): void {
  (REQUEST_CHECKS[rpc] as (request: RequestOf<R>, limits: Limits) => void)(request, limits);
}

function atMost(count: number, max: number, field: string, what: string): void {
  if (count > max) throw new InvalidArgumentError(field, `at most ${max} ${what} allowed, got ${count}`);
}

function checkParamSpecs(specs: readonly ParamSpec[], field: string, limits: Limits): void {
  atMost(specs.length, limits.maxParamsPerTrial, field, 'parameters per trial');
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

function checkFixedParams(params: readonly FixedParam[], field: string, limits: Limits): void {
  atMost(params.length, limits.maxParamsPerTrial, field, 'parameters per trial');
  params.forEach((param, i) => checkParamValue(param.value, `${field}[${i}].value`, limits));
}

function checkSampler(sampler: SamplerSpec, field: string, limits: Limits): void {
  if (sampler.kind?.$case !== 'grid') return;
  const axes = sampler.kind.value.axes;
  atMost(axes.length, limits.maxParamsPerTrial, `${field}.grid.axes`, 'axes (parameters per trial)');
  axes.forEach((axis, i) => checkParamValues(axis.values, `${field}.grid.axes[${i}].values`, limits, 'values per axis'));
}

function checkAttributes(attributes: readonly Attribute[], field: string, limits: Limits): void {
  atMost(attributes.length, limits.maxUserAttrsPerRequest, field, 'attributes');
  attributes.forEach((attribute, i) => checkAttributeValue(attribute.value, `${field}[${i}].value`, limits));
}

/**
 * The size of a value as JSON, counted without recursion and without building the string: the value may nest
 * deeper than the stack allows (the conversions reject that, but only after this check has run), and a 4 MiB
 * string only to measure it would be waste. Strings count as UTF-8 plus quotes, which is within a few escape
 * characters of JSON.stringify; the walk stops as soon as the limit is passed.
 */
function checkAttributeValue(value: unknown, field: string, limits: Limits): void {
  const max = limits.maxAttrValueBytes;
  let bytes = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && bytes <= max) {
    const node = stack.pop();
    if (typeof node === 'string') bytes += Buffer.byteLength(node, 'utf8') + 2;
    else if (node === null || typeof node !== 'object') bytes += String(node).length;
    else if (Array.isArray(node)) {
      bytes += 1 + node.length;
      for (const child of node) stack.push(child);
    } else {
      const entries = Object.entries(node);
      bytes += 1 + entries.length;
      for (const [key, child] of entries) {
        bytes += Buffer.byteLength(key, 'utf8') + 3;
        stack.push(child);
      }
    }
  }
  if (bytes > max) throw new InvalidArgumentError(field, `at most ${max} bytes of JSON allowed, got more`);
}
