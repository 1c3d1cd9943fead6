/** Order statistics for the bench report: medians and 90th percentiles of raw samples. */

export interface Summary {
  n: number;
  median: number;
  p90: number;
}

/** Nearest-rank quantile of unsorted samples (q in [0, 1]). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  if (q === 0.5 && s.length % 2 === 0) return (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

export function summarize(xs: readonly number[]): Summary {
  return { n: xs.length, median: median(xs), p90: quantile(xs, 0.9) };
}

/**
 * How a mode's CPU times spread. An engine that collects garbage inside some handshakes and not
 * others (XS) gives two groups, and which one the median falls in can change from run to run:
 * this says how many handshakes ran well above the fastest.
 */
export function cpuSpread(cpu: readonly number[]): string {
  const sorted = [...cpu].sort((a, b) => a - b);
  const fastest = sorted[0]!;
  const slow = sorted.filter((v) => v > fastest * 1.25).length;
  const f = (v: number) => (v < 10 ? v.toFixed(1) : v.toFixed(0));
  return `CPU ${f(fastest)}-${f(sorted[sorted.length - 1]!)} ms over ${sorted.length} handshakes; ${slow} of them over 1.25x the fastest`;
}
