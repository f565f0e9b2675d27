import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection } from 'node:net';

/**
 * A Postgres server of our own, in a temp dir on a free port, that a test may stop and start at will (the shared
 * one on 5432 serves everyone else's tests and must never be stopped). Runs as the `postgres` OS user when the
 * test runs as root (initdb refuses root).
 */
export interface PrivatePostgres {
  readonly port: number;
  /** URL of its `postgres` database. */
  readonly url: string;
  stop(): void;
  start(): void;
  /** Stops it and removes its files. */
  destroy(): void;
}

function binDir(): string | undefined {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(dir, 'initdb'))) return dir;
  } catch {
    // no pg_config on PATH
  }
  for (const v of ['17', '16', '15', '14']) {
    const dir = `/usr/lib/postgresql/${v}/bin`;
    if (existsSync(join(dir, 'initdb'))) return dir;
  }
  return undefined;
}

/** Why a private Postgres cannot be made here, or undefined when it can. */
export function privatePostgresUnavailable(): string | undefined {
  return binDir() ? undefined : 'no initdb/pg_ctl found (pg_config --bindir, /usr/lib/postgresql/*/bin)';
}

async function freePort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 55_000 + Math.floor(Math.random() * 900);
    const inUse = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ host: '127.0.0.1', port });
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (!inUse) return port;
  }
  throw new Error('no free port in 55000..55899');
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  if (!bin) throw new Error(privatePostgresUnavailable());
  const root = mkdtempSync(join(tmpdir(), 'hpo-private-pg-'));
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
  }
  const run = (tool: string, args: string[]) => {
    const [cmd, full] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
    execFileSync(cmd, full as string[], { stdio: ['ignore', 'ignore', 'pipe'], cwd: root });
  };
  const data = join(root, 'data');
  const port = await freePort();
  run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync']);
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c max_connections=100`;
  let running = false;
  const pg: PrivatePostgres = {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start() {
      run('pg_ctl', ['-D', data, '-o', options, '-l', join(root, 'log'), '-w', '-t', '60', 'start']);
      running = true;
    },
    stop() {
      // Fast shutdown: open sessions are cut, as in a crash of the connection or a restart by an operator.
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
      running = false;
    },
    destroy() {
      try {
        if (running) pg.stop();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
  pg.start();
  return pg;
}
