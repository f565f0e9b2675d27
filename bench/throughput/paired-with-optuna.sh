#!/usr/bin/env bash
# Alternates Optuna's RDB anchor (random, 4 workers, 20 s) with hpo (random, 16 workers, 0 finished, both loops) on
# the same local Postgres, PAIRS times, so each hpo row has an Optuna figure measured minutes apart on the same
# machine: machines of one kind differ threefold in speed, and one machine drifts within a run.
# Usage: bench/throughput/paired-with-optuna.sh [PAIRS]   (env: PYTHON, OPTUNA_SRC, PGHOST/PGUSER as for psql)
set -euo pipefail
cd "$(dirname "$0")/../.."
pairs=${1:-3}
python=${PYTHON:-/usr/bin/python3}
anchor=../shared/anchors/optuna_rdb_throughput.py
db=optuna_pair_$$
trap 'psql -h "${PGHOST:-127.0.0.1}" -U "${PGUSER:-postgres}" -qc "drop database if exists $db" >/dev/null' EXIT
for i in $(seq 1 "$pairs"); do
  psql -h "${PGHOST:-127.0.0.1}" -U "${PGUSER:-postgres}" -qc "drop database if exists $db" -c "create database $db" >/dev/null 2>&1
  nice -n 10 "$python" "$anchor" "postgresql+psycopg2://${PGUSER:-postgres}@${PGHOST:-127.0.0.1}:5432/$db" 4 20 random 2>/dev/null |
    tail -1 | "$python" -c "import json,sys; r=json.loads(sys.stdin.read()); print(f\"pair $i: {r['anchor']} random, 4 workers: {r['trials_per_s']} trials/s; issue 7's 1,500 scaled: {1500 * r['trials_per_s'] / (139 if r['anchor'].startswith('optuna-4') else 126):.0f}\")"
  nice -n 10 npx tsx bench/throughput/main.ts --stores postgres --samplers random --finished 0 --workers 16 --trials 3000 \
    --jit-warmup 2000 --loop tell-and-ask,ask-tell --no-write 2>&1 | grep '^| postgres' | sort -u | sed "s/^/pair $i: /"
done
