/**
 * Reconnect delays: exponential from `initial` up to `max`, with "equal jitter" (half
 * fixed, half random) so a fleet of devices that lost the same broker does not come back
 * in lockstep, while no delay collapses to zero.
 */
export interface BackoffOptions {
  initial: number;
  max: number;
  /** Uniform in [0, 1); without one the delays are the un-jittered midpoints. */
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  // `declare`: set in the constructor, so no field definition (`= undefined` first) is emitted.
  private declare readonly options: BackoffOptions;

  constructor(options: BackoffOptions) {
    this.options = options;
  }

  next(): number {
    const { initial, max, random } = this.options;
    const base = Math.min(max, initial * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    const r = random ? random() : 0.5;
    return Math.round(base / 2 + (base / 2) * r);
  }

  reset(): void {
    this.attempt = 0;
  }

  get attempts(): number {
    return this.attempt;
  }
}
