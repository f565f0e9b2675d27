import type { Distribution, SearchSpace } from '../../src/core/distribution.js';
import { distributionsEqual, isSingle } from '../../src/core/distribution.js';
import type { FrozenTrial } from '../../src/core/trial.js';

/**
 * Define-by-run spaces whose parameters differ between trials, cut into groups of parameters that always
 * appear together (NOTE: Optuna's `_GroupDecomposedSearchSpace`, from its `group=True` TPE): each group is
 * then modelled jointly from the trials that have it.
 */
export function groupDecomposition(trials: readonly FrozenTrial[]): SearchSpace[] {
  let groups: Map<string, Distribution>[] = [];
  for (const t of trials) {
    let rest = new Map(Object.entries(t.distributions));
    const next: Map<string, Distribution>[] = [];
    for (const g of groups) {
      const inter = new Map<string, Distribution>();
      const diff = new Map<string, Distribution>();
      for (const [name, d] of g) (rest.has(name) ? inter : diff).set(name, d);
      if (inter.size > 0) next.push(inter);
      if (diff.size > 0) next.push(diff);
      rest = new Map([...rest].filter(([name]) => !g.has(name)));
    }
    if (rest.size > 0) next.push(rest);
    groups = next;
  }
  return groups.map((g) => Object.fromEntries([...g].filter(([, d]) => !isSingle(d))) as SearchSpace).filter((s) => Object.keys(s).length > 0);
}

/**
 * The parameters every given trial has, with the same distribution (NOTE: Optuna's IntersectionSearchSpace),
 * for multivariate TPE on define-by-run studies without `group`.
 */
export function intersectionSearchSpace(trials: readonly FrozenTrial[]): SearchSpace {
  let space: Record<string, Distribution> | null = null;
  for (const t of trials) {
    if (space === null) {
      space = { ...t.distributions };
      continue;
    }
    for (const [name, d] of Object.entries(space)) {
      const other = t.distributions[name];
      if (!other || !distributionsEqual(other, d)) delete space[name];
    }
  }
  if (!space) return {};
  return Object.fromEntries(Object.entries(space).filter(([, d]) => !isSingle(d)));
}
