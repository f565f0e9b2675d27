import { connect, type HpoClient, type RetryOptions, type SearchSpace, StudyDone, type Trial } from '@hpo/client';

/** A tell the server acknowledged: what a worker knows for sure was stored. */
export interface AcknowledgedTell {
  readonly trialId: number;
  readonly number: number;
  readonly value: number;
  readonly params: Readonly<Record<string, unknown>>;
}

export interface WorkerRunOptions {
  /** A grpc-js target: one `host:port`, or `ipv4:a:p1,b:p2` with round-robin over several servers. */
  readonly target: string;
  readonly studyName: string;
  readonly searchSpace: SearchSpace;
  readonly workerId: string;
  /** Tell each trial and ask the next in one TellAndAsk call (as optimize does) instead of two calls. */
  readonly tellAndAsk?: boolean;
  /** Trials this worker runs before stopping; unlimited (until the study is done) when unset. */
  readonly budget?: number;
  readonly retry?: RetryOptions;
  /** Called after each acknowledged tell (the test decides when to inject its fault). */
  readonly onTell?: (tell: AcknowledgedTell) => void;
  /** Called each time the SDK is about to retry a failed call (proof that a fault was met and ridden out). */
  readonly onRetry?: (code: string) => void;
}

/** Channel options that spread calls over every address of an `ipv4:` target and skip dead ones. */
export const ROUND_ROBIN = { 'grpc.service_config': JSON.stringify({ loadBalancingConfig: [{ round_robin: {} }] }) };

/** A grpc-js target naming several local servers, for round-robin. */
export function multiTarget(ports: readonly number[]): string {
  return `ipv4:${ports.map((p) => `127.0.0.1:${p}`).join(',')}`;
}

/** The trivial objective every fault test uses: a pure function of the params, so a stored value can be checked. */
export function objective(params: Readonly<Record<string, unknown>>): number {
  return Object.values(params).reduce<number>((sum, v) => sum + (typeof v === 'number' ? v * v : 0), 0);
}

/**
 * One worker as a training loop would run it with the SDK: ask, compute, tell (or tell and ask the next in one
 * call), until its budget is spent or the study says it is done. Every tell it returns was acknowledged by a server.
 */
export async function runWorker(options: WorkerRunOptions): Promise<AcknowledgedTell[]> {
  const client: HpoClient = await connect(options.target, {
    workerId: options.workerId,
    retry: options.retry,
    channelOptions: options.target.startsWith('ipv4:') ? ROUND_ROBIN : undefined,
    retryEnvironment: options.onRetry
      ? { random: Math.random, sleep: (ms: number) => sleep(ms), onRetry: ({ error }) => options.onRetry!(error.code) }
      : undefined,
  });
  const told: AcknowledgedTell[] = [];
  try {
    const study = await client.loadStudy(options.studyName);
    const more = () => options.budget === undefined || told.length < options.budget;
    let trial: Trial | null = null;
    while (more()) {
      if (trial === null) {
        try {
          trial = await study.ask(options.searchSpace);
        } catch (error) {
          if (error instanceof StudyDone) break;
          throw error;
        }
      }
      const params = { ...trial.params };
      const value = objective(params);
      const tell = { trialId: trial.id, number: trial.number, value, params };
      if (options.tellAndAsk && options.budget !== undefined && told.length + 1 >= options.budget) {
        // The last trial of a budget: asking for another would start a trial nobody runs.
        await study.tell(trial, value);
        trial = null;
      } else if (options.tellAndAsk) {
        trial = (await study.tellAndAsk(trial, value, options.searchSpace)).next;
        told.push(tell);
        options.onTell?.(tell);
        if (trial === null) break;
        continue;
      } else {
        await study.tell(trial, value);
        trial = null;
      }
      told.push(tell);
      options.onTell?.(tell);
    }
    return told;
  } finally {
    await client.close();
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes (then throws `what`). */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const result = await check();
    if (result !== undefined) return result;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
