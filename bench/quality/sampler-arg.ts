import type { SamplerSpec } from '../../samplers/sampler-spec.js';

/**
 * A sampler spec from a command-line word: `random`, `tpe`, `tpe:multivariate=false:nEiCandidates=48`,
 * `gp:nStartupTrials=5`. Option values are parsed as JSON when they can be (numbers, booleans), else kept as
 * strings. The word itself labels the sampler's rows, so variants of one sampler can be compared in one run.
 */
export function parseSamplerArg(word: string): SamplerSpec {
  const [kind, ...pairs] = word.split(':');
  const options: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 0) throw new Error(`sampler option "${pair}" in "${word}" must be key=value`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // A bare word such as gamma=fraction stays a string.
    }
    options[pair.slice(0, eq)] = value;
  }
  if (kind === 'random') return { kind: 'random' };
  if (kind === 'tpe' || kind === 'gp' || kind === 'qmc') return { kind, options } as SamplerSpec;
  throw new Error(`unknown sampler "${kind}" in "${word}" (random, tpe, gp, qmc, with :key=value options)`);
}
