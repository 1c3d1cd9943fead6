/** Time-based micro-benchmark loop and table printing for the bench scripts. */

export interface Measurement {
  opsPerSecond: number;
  iterations: number;
  seconds: number;
}

/**
 * Runs `fn` for at least `minMs` (after a short warm-up that lets the JIT settle) and at
 * least `minIterations` times; batches calls so timer reads do not dominate tiny operations.
 */
export function measure(fn: () => unknown, minMs = 300, minIterations = 3): Measurement {
  const warmUntil = performance.now() + Math.min(60, minMs / 5);
  let warm = 0;
  while (performance.now() < warmUntil || warm < 1) {
    fn();
    warm++;
  }
  let batch = 1;
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMs || iterations < minIterations) {
    for (let i = 0; i < batch; i++) fn();
    iterations += batch;
    elapsed = performance.now() - start;
    if (elapsed < minMs / 20) batch *= 2;
  }
  return { opsPerSecond: iterations / (elapsed / 1000), iterations, seconds: elapsed / 1000 };
}

/**
 * Measures several candidates in interleaved rounds and keeps each one's best round. The
 * machine is shared (other builds and tests run alongside), so a single long run mostly
 * measures the neighbours; the best of interleaved rounds is what the code can do, and
 * interleaving exposes baseline and candidate to the same background load.
 */
export function measureInterleaved(fns: ReadonlyArray<() => unknown>, totalMs = 300, rounds = 3): number[] {
  const best = fns.map(() => 0);
  const roundMs = totalMs / rounds;
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      best[i] = Math.max(best[i]!, measure(fn, roundMs, 1).opsPerSecond);
    });
  }
  return best;
}

export interface Row {
  case: string;
  provider: string;
  value: number;
  unit: 'MB/s' | 'ops/s';
  /** value / the node:crypto value for the same case; undefined for the baseline itself. */
  ratio?: number;
}

function fmt(v: number): string {
  if (v >= 1000) return v.toFixed(0);
  if (v >= 100) return v.toFixed(1);
  return v.toFixed(2);
}

export function printTable(title: string, rows: Row[]): void {
  const head = ['case', 'provider', 'speed', 'vs node:crypto'];
  const body = rows.map((r) => [
    r.case,
    r.provider,
    `${fmt(r.value)} ${r.unit}`,
    r.ratio === undefined ? 'baseline' : `${r.ratio >= 0.995 ? r.ratio.toFixed(2) : r.ratio.toPrecision(2)}x`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i >= 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
}
