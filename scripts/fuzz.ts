/**
 * `npm run fuzz -- --target tls|x509|mqtt|pem --iterations N [--seed S] [--no-save]`
 *
 * Mutation fuzzing of the parsers with a seeded generator. Besides success, the only
 * accepted outcome is the project's typed error; an untyped exception, a relabelled runtime
 * error, or an iteration over 1 s is a failure, and its input is written to
 * test/fixtures/fuzz/<target>/<hash>.hex, which test/fuzz/regressions.test.ts replays.
 * Exit status 1 when anything failed. `--from I` starts at iteration I of the same seeded
 * sequence, so one long run can be split over processes.
 */
import { TARGETS } from './fuzz/targets/index.js';
import { runFuzz, saveFailure, type FuzzStats } from './fuzz/run.js';

const USAGE = 'usage: npm run fuzz -- --target tls|x509|mqtt|pem --iterations N [--seed S] [--from I] [--no-save] [--progress N]';

function parseArgs(argv: string[]): { target: string; iterations: number; seed: number; from: number; save: boolean; progress: number } {
  const o = { target: '', iterations: 10000, seed: 1, from: 0, save: true, progress: 0 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${a} needs a non-negative integer`);
      return v;
    };
    if (a === '--target') o.target = argv[++i] ?? '';
    else if (a === '--iterations') o.iterations = num();
    else if (a === '--seed') o.seed = num();
    else if (a === '--progress') o.progress = num();
    else if (a === '--from') o.from = num();
    else if (a === '--no-save') o.save = false;
    else throw new Error(`unknown argument ${a}`);
  }
  if (!(o.target in TARGETS)) throw new Error(`--target must be one of ${Object.keys(TARGETS).join(', ')}`);
  return o;
}

function line(s: FuzzStats): string {
  return `${s.target}: ${s.iterations} iterations in ${s.seconds.toFixed(1)} s (${Math.round(s.iterations / s.seconds)}/s), `
    + `${s.ok} passed, ${s.typed} typed errors${s.steps.completed + s.steps.refused ? ` (steps: ${s.steps.completed} completed, ${s.steps.refused} typed errors)` : ''}, `
    + `${s.failed} failures (${s.distinctFailingInputs} distinct inputs), slowest ${s.slowestMs.toFixed(1)} ms`;
}

let args: ReturnType<typeof parseArgs>;
try {
  args = parseArgs(process.argv.slice(2));
} catch (e) {
  console.error(`${(e as Error).message}\n${USAGE}`);
  process.exit(2);
}
const stats = runFuzz(TARGETS[args.target]!, {
  iterations: args.iterations, seed: args.seed, from: args.from,
  ...(args.progress ? { progressEvery: args.progress, onProgress: (_n: number, s: FuzzStats) => console.log(line(s)) } : {}),
  onFailure: (f) => {
    const where = args.save ? saveFailure(args.target, f.input) : '(not saved)';
    console.log(`  iteration ${f.iteration}: ${f.reason}\n    ${where}`);
  },
});
console.log(line(stats));
for (const [sig, n] of stats.signatures) console.log(`  ${n} x ${sig}`);
process.exit(stats.failed > 0 ? 1 : 0);
