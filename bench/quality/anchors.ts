/**
 * Optuna's figures on the same suite (issue 4; /work/shared/anchors reproduces them): 20 seeds, 200 trials,
 * median simple regret. `tpeBest` is, per function, the better of Optuna 3.1 and 4.9 default TPE — the bar our
 * default TPE must clear. `random` and `cmaes` are Optuna 3.1 (optuna31_quality_summary.txt).
 */
export interface Anchor {
  readonly tpeBest: Readonly<Record<number, number>>;
  readonly random: Readonly<Record<number, number>>;
  readonly cmaes: Readonly<Record<number, number>>;
}

export const OPTUNA_ANCHORS: Readonly<Record<string, Anchor>> = {
  branin: {
    tpeBest: { 100: 0.0121, 200: 0.003 },
    random: { 25: 1.462, 50: 0.7465, 100: 0.3801, 200: 0.115 },
    cmaes: { 25: 2.407, 50: 0.7544, 100: 0.01345, 200: 1.052e-5 },
  },
  hartmann3: {
    tpeBest: { 100: 0.02, 200: 0.004 },
    random: { 25: 0.8602, 50: 0.6974, 100: 0.3173, 200: 0.1489 },
    cmaes: { 25: 0.298, 50: 0.159, 100: 0.09158, 200: 0.002595 },
  },
  hartmann6: {
    tpeBest: { 100: 0.254, 200: 0.1 },
    random: { 25: 2.172, 50: 1.554, 100: 1.199, 200: 1.064 },
    cmaes: { 25: 1.539, 50: 0.728, 100: 0.2749, 200: 0.04245 },
  },
  rosenbrock5: {
    tpeBest: { 100: 147, 200: 21.2 },
    random: { 25: 20850, 50: 9336, 100: 3416, 200: 1824 },
    cmaes: { 25: 1589, 50: 422.4, 100: 93.01, 200: 8.41 },
  },
  ackley5: {
    tpeBest: { 100: 7.93, 200: 5.46 },
    random: { 25: 18.12, 50: 17.66, 100: 17.11, 200: 16.59 },
    cmaes: { 25: 12.27, 50: 9.415, 100: 6.444, 200: 2.668 },
  },
  styblinski_tang5: {
    tpeBest: { 100: 29.0, 200: 16.1 },
    random: { 25: 75.8, 50: 63.13, 100: 55.56, 200: 45.51 },
    cmaes: { 25: 73.07, 50: 61.84, 100: 43.05, 200: 23.05 },
  },
  levy5: {
    tpeBest: { 100: 0.741, 200: 0.195 },
    random: { 25: 8.322, 50: 6.717, 100: 6.06, 200: 4.745 },
    cmaes: { 25: 3.111, 50: 1.746, 100: 0.4897, 200: 0.08736 },
  },
  six_hump_camel: {
    tpeBest: { 100: 0.0099, 200: 0.0017 },
    random: { 25: 0.5948, 50: 0.3663, 100: 0.1897, 200: 0.06507 },
    cmaes: { 25: 0.07284, 50: 0.02703, 100: 0.0003023, 200: -2.271e-7 },
  },
  rastrigin5: {
    tpeBest: { 100: 24.8, 200: 18.0 },
    random: { 25: 51.61, 50: 46.45, 100: 40.96, 200: 34.05 },
    cmaes: { 25: 29.28, 50: 27.77, 100: 22.52, 200: 16.36 },
  },
  michalewicz5: {
    tpeBest: { 100: 1.92, 200: 1.26 },
    random: { 25: 2.947, 50: 2.76, 100: 2.436, 200: 2.228 },
    cmaes: { 25: 2.353, 50: 2.236, 100: 1.907, 200: 1.093 },
  },
};
