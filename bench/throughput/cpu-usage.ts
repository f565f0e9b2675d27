import { readFileSync } from 'node:fs';
import pg from 'pg';

/** CPU milliseconds spent so far, per process taking part in a cell. */
export interface CpuSample {
  readonly server: number;
  readonly client: number;
  /** Per backend pid connected to the benchmark's database (undefined on the embedded store). */
  readonly postgres?: ReadonlyMap<number, number>;
}

/** CPU ms each process spent between two samples. */
export interface CpuSpent {
  readonly server: number;
  readonly client: number;
  readonly postgres?: number;
}

export function cpuSpent(before: CpuSample, after: CpuSample): CpuSpent {
  let postgres: number | undefined;
  if (after.postgres) {
    postgres = 0;
    // A backend that connected mid-cell counts whole (its start is small).
    for (const [pid, ms] of after.postgres) postgres += ms - (before.postgres?.get(pid) ?? 0);
  }
  return { server: after.server - before.server, client: after.client - before.client, postgres };
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** User + system CPU time of a process, in ms, from /proc/<pid>/stat (fields 14 and 15). */
export function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return 0; // the process is gone
  }
}

/**
 * CPU time is load-independent evidence: trials/s on a shared 2-core machine measures the neighbours too, while
 * the CPU each process spends per trial does not (much). The server's comes from /proc, the client's from
 * process.cpuUsage, Postgres' from the backends of the benchmark's database (the walwriter and checkpointer,
 * shared with other databases, are left out; a backend that exits mid-cell takes its time with it).
 */
export function cpuProbe(serverPid: number, stats?: pg.Client, dbName?: string): () => Promise<CpuSample> {
  return async () => {
    const usage = process.cpuUsage();
    const sample = { server: processCpuMs(serverPid), client: (usage.user + usage.system) / 1000 };
    if (!stats || !dbName) return sample;
    const { rows } = await stats.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [dbName],
    );
    return { ...sample, postgres: new Map(rows.map((r) => [Number(r.pid), processCpuMs(Number(r.pid))])) };
  };
}
