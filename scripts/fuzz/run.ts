/**
 * The fuzzing loop, shared by `npm run fuzz` and the bounded run in the test suite. Case i of
 * a run depends only on (seed, i), so any failure reproduces from its saved input alone.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { ROOT } from './corpus.js';
import { Prng } from './prng.js';
import { mutate } from './mutate.js';
import { stepCounts, type FuzzTarget } from './target.js';
import { escapeReason, rootCause } from './verdict.js';

/** An iteration taking more CPU time than this is a failure (a parser must not be a CPU sink). */
export const MAX_ITERATION_MS = 1000;

export const FIXTURE_DIR = join(ROOT, 'test', 'fixtures', 'fuzz');

export type Outcome = { kind: 'ok' | 'typed' } | { kind: 'escape'; reason: string; stack: string };

/** One case through the target, judged. */
export function runCase(target: FuzzTarget, input: Uint8Array): Outcome {
  try {
    target.run(input);
    return { kind: 'ok' };
  } catch (e) {
    const reason = escapeReason(e);
    if (reason === undefined) return { kind: 'typed' };
    const root = rootCause(e);
    return { kind: 'escape', reason, stack: root instanceof Error ? root.stack ?? '' : String(root) };
  }
}

export interface FuzzFailure {
  readonly iteration: number;
  readonly input: Uint8Array;
  readonly reason: string;
  /** What the failure has in common with others of its kind: message shape and first frame in the project. */
  readonly signature: string;
  readonly ms: number;
}

export interface FuzzStats {
  readonly target: string;
  readonly seed: number;
  readonly iterations: number;
  readonly seconds: number;
  readonly ok: number;
  readonly typed: number;
  readonly slowestMs: number;
  /** Steps inside cases (targets that run several operations per case) that completed or were refused with a typed error. */
  readonly steps: { readonly completed: number; readonly refused: number };
  /** Failing cases, all of them counted... */
  readonly failed: number;
  /** ...distinct inputs among them... */
  readonly distinctFailingInputs: number;
  /** ...and the first few of each signature kept. */
  readonly failures: readonly FuzzFailure[];
  readonly signatures: ReadonlyMap<string, number>;
}

/** User + system CPU time of the process, in milliseconds. */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function signatureOf(reason: string, stack: string): string {
  const frame = stack.split('\n').find((l) => /\/(src|hw)\//.test(l))?.replace(/^.*\/((src|hw)\/[^)]*?):\d+\)?$/, '$1') ?? '';
  return `${reason.replace(/0x[0-9a-f]+|\d+/gi, 'N').slice(0, 160)} @ ${frame}`;
}

export interface FuzzOptions {
  readonly iterations: number;
  readonly seed?: number;
  /** First iteration number (a run split over processes: each takes a range of the same sequence). */
  readonly from?: number;
  readonly keepPerSignature?: number;
  readonly maxIterationMs?: number;
  readonly onProgress?: (done: number, stats: FuzzStats) => void;
  /** Called for each kept failure as it happens (a long run may be stopped before it ends). */
  readonly onFailure?: (f: FuzzFailure) => void;
  readonly progressEvery?: number;
}

export function runFuzz(target: FuzzTarget, o: FuzzOptions): FuzzStats {
  const seed = o.seed ?? 1;
  const maxMs = o.maxIterationMs ?? MAX_ITERATION_MS;
  const keep = o.keepPerSignature ?? 3;
  const seeds = target.seeds();
  if (seeds.length === 0) throw new Error(`target ${target.name} has no seeds`);
  let ok = 0, typed = 0, failed = 0, slowestMs = 0;
  const failures: FuzzFailure[] = [];
  const signatures = new Map<string, number>();
  const failingInputs = new Set<string>();
  const started = performance.now();
  const steps0 = { ...stepCounts };
  const stats = (iterations: number): FuzzStats => ({
    target: target.name, seed, iterations, seconds: (performance.now() - started) / 1000, ok, typed, slowestMs, failed,
    distinctFailingInputs: failingInputs.size, failures, signatures,
    steps: { completed: stepCounts.completed - steps0.completed, refused: stepCounts.refused - steps0.refused },
  });
  const from = o.from ?? 0;
  for (let i = from; i < from + o.iterations; i++) {
    const r = Prng.forIteration(seed, i);
    const base = seeds[r.below(seeds.length)]!;
    const input = target.mutate ? target.mutate(r, base, seeds) : mutate(r, base, seeds);
    // CPU time of this process, not wall time: on a shared machine the wall clock also
    // counts the other processes' turns.
    const t0 = cpuMs();
    let outcome = runCase(target, input);
    let ms = cpuMs() - t0;
    // A GC pause can land on any case: a slow case counts only if it is slow again.
    if (ms > maxMs && outcome.kind !== 'escape') {
      const t1 = cpuMs();
      outcome = runCase(target, input);
      ms = Math.min(ms, cpuMs() - t1);
    }
    slowestMs = Math.max(slowestMs, ms);
    if (outcome.kind === 'escape' || ms > maxMs) {
      failed++;
      const reason = outcome.kind === 'escape' ? outcome.reason : `iteration took ${ms.toFixed(0)} ms (limit ${maxMs})`;
      const signature = outcome.kind === 'escape' ? signatureOf(reason, outcome.stack) : 'slow';
      failingInputs.add(toHex(input));
      const n = (signatures.get(signature) ?? 0) + 1;
      signatures.set(signature, n);
      if (n <= keep) {
        const f = { iteration: i, input, reason, signature, ms };
        failures.push(f);
        o.onFailure?.(f);
      }
    } else if (outcome.kind === 'ok') ok++;
    else typed++;
    if (o.onProgress && (i + 1 - from) % (o.progressEvery ?? 10000) === 0) o.onProgress(i + 1 - from, stats(i + 1 - from));
  }
  return stats(o.iterations);
}

/** Where a failing input is kept: <dir>/<target>/<first 16 hex digits of its SHA-256>.hex. */
export function saveFailure(target: string, input: Uint8Array, dir = FIXTURE_DIR): string {
  const d = join(dir, target);
  mkdirSync(d, { recursive: true });
  const file = join(d, `${createHash('sha256').update(input).digest('hex').slice(0, 16)}.hex`);
  writeFileSync(file, `${toHex(input)}\n`);
  return file;
}

/** The kept regression cases of a target. */
export function savedCases(target: string, dir = FIXTURE_DIR): { file: string; input: Uint8Array }[] {
  let files: string[];
  try {
    files = readdirSync(join(dir, target)).filter((f) => f.endsWith('.hex')).sort();
  } catch {
    return [];
  }
  return files.map((f) => ({ file: f, input: fromHex(readFileSync(join(dir, target, f), 'utf8').trim()) }));
}
