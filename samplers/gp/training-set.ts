/** Encoded inputs and standardised outputs the GP is conditioned on. */
export interface TrainingSet {
  /** n × D row-major encoded inputs. */
  readonly X: Float64Array;
  /** n outputs, standardised, larger is better. */
  readonly y: Float64Array;
  readonly n: number;
  readonly dimension: number;
  readonly isCategorical: Uint8Array;
}
