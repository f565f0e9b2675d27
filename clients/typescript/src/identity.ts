import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

/**
 * A fresh request id for one logical call. Generated once and reused by every retry of that call, which is what
 * lets the server answer a retried ask, tell or report with its first answer instead of acting twice.
 *
 * @example
 * ```ts
 * const id = newRequestId(); // '2f1c…' (a UUID)
 * ```
 */
export function newRequestId(): string {
  return randomUUID();
}

/**
 * A worker id that tells processes apart in `hpo trials` output: host, pid and a short random suffix.
 *
 * @example
 * ```ts
 * defaultWorkerId(); // 'gpu-box-3:41233:9f2a1c'
 * ```
 */
export function defaultWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 6)}`;
}
