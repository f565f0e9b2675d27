/**
 * Spearman's rank correlation ρ of paired samples: Pearson's correlation of their ranks, tied values sharing
 * their average rank. 0 when either side is constant (no ranking to agree with) or fewer than two pairs.
 */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  const n = Math.min(xs.length, ys.length);
  if (n < 2) return 0;
  const rx = averageRanks(xs.slice(0, n));
  const ry = averageRanks(ys.slice(0, n));
  const mid = (n - 1) / 2;
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let i = 0; i < n; i++) {
    xy += (rx[i] - mid) * (ry[i] - mid);
    xx += (rx[i] - mid) ** 2;
    yy += (ry[i] - mid) ** 2;
  }
  return xx === 0 || yy === 0 ? 0 : xy / Math.sqrt(xx * yy);
}

/** 0-based ranks, ties sharing their average rank. */
function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => values[a] - values[b] || a - b);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1]] === values[order[i]]) j++;
    for (let k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2;
    i = j + 1;
  }
  return ranks;
}
