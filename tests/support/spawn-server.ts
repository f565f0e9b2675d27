import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * A real `hpo serve` child process listening on a free port. Node runs bin/hpo.js itself (no tsx wrapper in
 * between), so SIGTERM and SIGKILL reach the server.
 */
export interface ServerProcess {
  readonly port: number;
  readonly address: string;
  readonly child: ChildProcess;
  /** Every JSON log line it printed so far. */
  readonly logs: Array<Record<string, unknown>>;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** SIGTERM (graceful), then waits for the exit. */
  stop(): Promise<number | null>;
  /** SIGKILL: no shutdown, connections and transactions cut mid-flight. */
  kill(): Promise<number | null>;
}

/** Starts `hpo serve --port 0` with `args` and resolves once it logs that it is listening. */
export async function spawnServer(args: readonly string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'hpo.js'), 'serve', '--port', '0', '--log-format', 'json', ...args], {
    cwd: ROOT,
    env: { ...process.env, HPO_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'hpo listening') resolve(Number(entry.port));
      } catch {
        logs.push({ raw: line });
      }
    });
    void exited.then((code) => reject(new Error(`hpo serve exited with ${code} before listening:\n${stderr}\n${JSON.stringify(logs)}`)));
  });
  return {
    port,
    address: `127.0.0.1:${port}`,
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
