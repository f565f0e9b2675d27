/**
 * Optuna's RDB storage on the same local Postgres 15, measured on this kind of machine
 * (`/work/shared/anchors/optuna_rdb_throughput.py`), Optuna 4.9 with 3.1 in brackets, as quoted in issue 7.
 */
export const OPTUNA_THROUGHPUT_ANCHORS = `Optuna anchors (RDB storage, same local Postgres 15; Optuna 4.9, 3.1 in brackets):

| sampler | finished before | workers | trials/s | ask p50 ms |
|---|---:|---:|---:|---:|
| random | 0 | 1 | 77 (90) | 8 |
| random | 0 | 4 | 139 (126) | 18 |
| random | 0 | 8 | 121 (104) | 44 |
| tpe | 1,000 | 4 | 65 (40) | 50 (85) |
| tpe | 5,000 | 4 | 38 (10) | 85 (371) |

Targets (issue 7): 16 workers ≥ 1,500 trials/s random and ≥ 500 trials/s TPE at 5,000 finished trials; ask p50 flat
(within 2×) from 0 to 10,000 finished trials.`;
