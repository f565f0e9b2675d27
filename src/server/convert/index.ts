/**
 * The one place wire messages (src/generated, ts-proto) become domain types and back. Everything here is
 * pure and validates what the wire alone can tell (unset oneofs, *_UNSPECIFIED enums, duplicate names,
 * lengths, non-finite numbers, malformed distributions), naming the proto field; what needs the stored
 * study (the number of objectives, the trial's state) is the service's to check.
 */
export * from './distribution.js';
export * from './json-value.js';
export * from './param-value.js';
export * from './pruner-spec.js';
export * from './requests.js';
export * from './sampler-spec.js';
export * from './study.js';
export * from './trial.js';
export * from './wire-checks.js';
