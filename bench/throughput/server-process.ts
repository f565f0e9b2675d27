import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** A real `hpo serve` process. */
export interface ServerProcess {
  readonly address: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts `hpo serve --port 0 <args>` (node run with `nodeArgs`) and resolves once it is listening. */
export async function startServer(args: readonly string[], nodeArgs: readonly string[] = []): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...nodeArgs, join(ROOT, 'bin', 'hpo.js'), 'serve', '--port', '0', '--log-format', 'json', '--log-level', 'info', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`hpo serve exited with ${code} before listening`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'hpo listening') resolve(Number(entry.port));
      } catch {
        // not a log line
      }
    });
  });
  return {
    address: `127.0.0.1:${port}`,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}
