import type { Rng } from '../../src/core/rng.js';
import { sampleTruncatedNormal } from './normal.js';
import type { ParamDomain } from './param-domain.js';
import type { Points } from './parzen-estimator.js';

/**
 * Candidates around the incumbent, for TPE's local-refinement trials: a Gaussian centred on the best
 * observation whose width on each axis is `scale` × the spread of the best few observations (so it shrinks as
 * they converge, the way an evolution strategy's step size does — Hansen 2016), truncated to the box and
 * rounded to grids; categorical axes keep the incumbent's choice.
 *
 * `top[j][i]` is the i-th best observation on axis j, best first; `centreIndex` picks the centre among them
 * (0, the incumbent, by default). Returns `m` points.
 */
export function localCandidates(domains: readonly ParamDomain[], top: Points, rng: Rng, m: number, scale: number, centreIndex = 0): Points {
  const k = top.length > 0 ? top[0].length : 0;
  return domains.map((domain, j) => {
    const col = new Float64Array(m);
    const centre = top[j][Math.min(centreIndex, k - 1)];
    if (domain.kind === 'categorical' || k === 0) return col.fill(centre);
    let mean = 0;
    for (let i = 0; i < k; i++) mean += top[j][i];
    mean /= k;
    let v = 0;
    for (let i = 0; i < k; i++) v += (top[j][i] - mean) ** 2;
    const range = domain.high - domain.low;
    const sigma = Math.max(scale * Math.sqrt(v / Math.max(1, k - 1)), 1e-6 * range, domain.step ?? 0);
    for (let i = 0; i < m; i++) {
      let x = sampleTruncatedNormal(centre, sigma, domain.low, domain.high, rng.random());
      if (domain.step !== undefined) {
        const first = domain.low + domain.step / 2;
        const last = domain.high - domain.step / 2;
        x = Math.min(last, Math.max(first, first + Math.round((x - first) / domain.step) * domain.step));
      }
      col[i] = x;
    }
    return col;
  });
}
