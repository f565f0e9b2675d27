import { Cancelled, FailedPrecondition, NotFound } from './errors.js';

/**
 * How often a running trial beats: a third of the study's grace period, so two beats may be lost before the
 * server gives the trial up; never more often than every 250 ms nor less often than every 30 s. 0 means none.
 *
 * @example
 * ```ts
 * heartbeatIntervalMs(60); // 20_000
 * ```
 */
export function heartbeatIntervalMs(heartbeatGraceSeconds: number): number {
  if (!(heartbeatGraceSeconds > 0)) return 0;
  return Math.min(30_000, Math.max(250, (heartbeatGraceSeconds * 1000) / 3));
}

/**
 * @internal
 * Beats for one running trial until stopped. A beat that fails transiently is simply tried again next time; a beat
 * the server refuses (the trial is finished or gone), or one made after the client was closed, stops the loop,
 * since nothing can revive the lease.
 */
export class HeartbeatLoop {
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;
  /** The error that stopped the loop, when the server refused a beat. */
  lostWith: Error | undefined;

  constructor(
    private readonly beat: () => Promise<unknown>,
    intervalMs: number,
  ) {
    if (intervalMs > 0) {
      this.timer = setInterval(() => void this.tick(), intervalMs);
      // A forgotten ask must not keep the process alive; a crashed process must stop beating.
      this.timer.unref();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async tick(): Promise<void> {
    if (this.inFlight) return;
    this.inFlight = true;
    try {
      await this.beat();
    } catch (error) {
      if (error instanceof FailedPrecondition || error instanceof NotFound || error instanceof Cancelled) {
        this.lostWith = error;
        this.stop();
      }
    } finally {
      this.inFlight = false;
    }
  }
}
