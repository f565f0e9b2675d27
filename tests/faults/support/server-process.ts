import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** An `hpo serve` process that can be killed for real: node runs bin/hpo.js itself (no tsx wrapper in between). */
export interface KillableServer {
  readonly port: number;
  readonly address: string;
  readonly child: ChildProcess;
  readonly logs: Array<Record<string, unknown>>;
  readonly exited: Promise<number | null>;
  /** SIGTERM (graceful), then waits for the exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: no shutdown, connections and transactions cut mid-flight. */
  kill(): Promise<number | null>;
}

/** Starts `hpo serve` (on `port`, default any free one) and resolves once it listens. */
export async function startKillableServer(args: readonly string[], port = 0): Promise<KillableServer> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'hpo.js'), 'serve', '--port', String(port), '--log-format', 'json', ...args], {
    cwd: ROOT,
    env: { ...process.env, HPO_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'hpo listening') resolve(Number(entry.port));
      } catch {
        logs.push({ raw: line });
      }
    });
    void exited.then((code) => reject(new Error(`hpo serve exited with ${code} before listening:\n${stderr}`)));
  });
  return {
    port: listening,
    address: `127.0.0.1:${listening}`,
    child,
    logs,
    exited,
    stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      return exited;
    },
  };
}
