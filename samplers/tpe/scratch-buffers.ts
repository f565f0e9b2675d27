/**
 * Typed arrays for one TPE step (the estimators' per-component constants, bounds' bases, rows, grid terms), carved
 * from a few large buffers that are kept from one step to the next. At thousands of observations a step
 * allocated about a megabyte in some thirty arrays, each its own off-heap backing store; that external memory
 * made V8 run a full mark-compact every few dozen asks (a tenth of an ask's CPU in the cost benchmark, more in
 * the server, whose heap holds the study cache). Everything handed out lives until the next reset(); the
 * estimators built on them must not outlive the step (tpe-sampler.ts resets at the start of each step).
 */
export interface Scratch {
  /** n doubles, zero unless `zeroed` is false (then the caller writes every element before reading it). */
  f64(n: number, zeroed?: boolean): Float64Array;
  i32(n: number): Int32Array;
  /** n zero bytes. */
  u8(n: number): Uint8Array;
}

/** Fresh arrays from the heap: estimators built outside a sampler's step (tests, tools). */
export const FRESH_ARRAYS: Scratch = {
  f64: (n) => new Float64Array(n),
  i32: (n) => new Int32Array(n),
  u8: (n) => new Uint8Array(n),
};

const MIN_SLAB_BYTES = 1 << 16;

/**
 * One step's arrays are carved from the first buffer; a step that outgrows it spills into more, and the next reset
 * replaces them all by one buffer a quarter larger than the step took: kept memory stays near one step's need
 * (~300 bytes per trial of a multivariate TPE step at 5,000 trials), and the history grows into it.
 */
export class ScratchBuffers implements Scratch {
  private slabs: ArrayBuffer[] = [];
  private slab = 0;
  private offset = 0;
  private used = 0;

  /** Takes back every array handed out since the last reset. */
  reset(): void {
    if (this.slab > 0) this.slabs = [new ArrayBuffer(Math.max(MIN_SLAB_BYTES, Math.ceil((1.25 * this.used) / 8) * 8))];
    this.slab = 0;
    this.offset = 0;
    this.used = 0;
  }

  f64(n: number, zeroed = true): Float64Array {
    const [buffer, at] = this.take(8 * n);
    const out = new Float64Array(buffer, at, n);
    if (zeroed) out.fill(0);
    return out;
  }

  i32(n: number): Int32Array {
    const [buffer, at] = this.take(4 * n);
    return new Int32Array(buffer, at, n).fill(0);
  }

  u8(n: number): Uint8Array {
    const [buffer, at] = this.take(n);
    return new Uint8Array(buffer, at, n).fill(0);
  }

  private take(bytes: number): [ArrayBuffer, number] {
    const size = (bytes + 7) & ~7;
    for (;;) {
      if (this.slab === this.slabs.length) {
        const last = this.slabs.length > 0 ? this.slabs[this.slabs.length - 1].byteLength : 0;
        this.slabs.push(new ArrayBuffer(Math.max(size, MIN_SLAB_BYTES, 2 * last)));
      }
      const buffer = this.slabs[this.slab];
      if (this.offset + size <= buffer.byteLength) {
        const at = this.offset;
        this.offset += size;
        this.used += size;
        return [buffer, at];
      }
      this.slab++;
      this.offset = 0;
    }
  }
}
