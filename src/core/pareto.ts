import type { Direction } from './study.js';

/** Whether a dominates b (no worse in every objective, better in one), both given in the study's directions. */
export function dominates(a: readonly number[], b: readonly number[], directions: readonly Direction[]): boolean {
  let better = false;
  for (let i = 0; i < directions.length; i++) {
    const x = directions[i] === 'minimize' ? a[i] : -a[i];
    const y = directions[i] === 'minimize' ? b[i] : -b[i];
    if (x > y) return false;
    if (x < y) better = true;
  }
  return better;
}

/** Indices of the non-dominated points (the Pareto front), in input order. */
export function paretoFront(points: readonly (readonly number[])[], directions: readonly Direction[]): number[] {
  const front: number[] = [];
  for (let i = 0; i < points.length; i++) {
    let dominated = false;
    for (let j = 0; j < points.length && !dominated; j++) {
      if (j !== i && dominates(points[j], points[i], directions)) dominated = true;
    }
    if (!dominated) front.push(i);
  }
  return front;
}
