import type { Prng } from './prng.js';
import { escapeReason } from './verdict.js';

export interface FuzzTarget {
  readonly name: string;
  /** Well-formed inputs in the target's encoding, mutated to make the cases. */
  seeds(): readonly Uint8Array[];
  /** One case from a seed; default: byte mutations of the whole input. */
  mutate?(r: Prng, seed: Uint8Array, seeds: readonly Uint8Array[]): Uint8Array;
  /** Feeds one input to the code under test; throws only what `escapeReason` judges. */
  run(input: Uint8Array): void;
}

/** Steps of cases that ended in a typed refusal, over the life of the process (for the statistics). */
export const stepCounts = { completed: 0, refused: 0 };

/** Runs one step of a case: a typed refusal ends that step only, anything else escapes. */
export function attempt(fn: () => void): void {
  try {
    fn();
    stepCounts.completed++;
  } catch (e) {
    if (escapeReason(e) !== undefined) throw e;
    stepCounts.refused++;
  }
}
