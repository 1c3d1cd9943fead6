/**
 * Runs the replay cases from the XS bundle inside each engine without sockets: xst (one
 * process, the bundle as a module), QuickJS (quickjs-emscripten, module loader serving
 * the bundle) and xsnap. Each returns the outcomes and the engine's own load time.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getQuickJS } from 'quickjs-emscripten';
import { XsnapWorker } from '../helpers/xsnap.js';
import { writeXsBundle } from './xs-bundle.js';
import type { EngineReplayOutcome, ReplayCase } from './xs-replay-cases.js';

export interface EngineReplayRun {
  /** Milliseconds to load and evaluate the bundle, measured inside the engine. */
  readonly loadMs: number;
  readonly outcomes: Map<string, EngineReplayOutcome>;
  readonly bundleBytes: number;
  readonly bundleGzipBytes: number;
  /** AES-128-GCM sealing 16 KiB records, MB/s (when asked for). */
  readonly gcmMBps: number | undefined;
}

export interface ReplayRunOptions {
  /** Also measure AES-GCM record sealing (bench only: it takes half a second). */
  readonly gcmRate?: boolean;
}

/** A module that loads the harness (and so the bundle), timing the load, then runs every case. */
function mainModule(cases: readonly ReplayCase[], emit: string, options: ReplayRunOptions = {}): string {
  return [
    'const t0 = Date.now();',
    "import('./xs-replay-harness.js').then(() => {",
    '  const loadMs = Date.now() - t0;',
    `  const cases = ${JSON.stringify(cases.map((c) => ({ name: c.name, fixture: c.fixture, options: c.options ? JSON.stringify(c.options) : '' })))};`,
    '  const out = { loadMs, outcomes: {} };',
    '  for (const c of cases) out.outcomes[c.name] = JSON.parse(globalThis.microtlsReplay(c.fixture, c.options));',
    ...(options.gcmRate ? ['  out.gcmMBps = globalThis.microtlsGcmRate();'] : []),
    `  ${emit}(JSON.stringify(out));`,
    "}, (e) => { " + emit + "(JSON.stringify({ loadError: String(e) + ' ' + (e && e.stack || '') })); });",
  ].join('\n');
}

function parseRun(text: string, bundle: { bytes: number; gzipBytes: number }): EngineReplayRun {
  const r = JSON.parse(text) as { loadMs: number; outcomes: Record<string, EngineReplayOutcome>; loadError?: string; gcmMBps?: number };
  if (r.loadError) throw new Error(`bundle did not load: ${r.loadError}`);
  return { loadMs: r.loadMs, outcomes: new Map(Object.entries(r.outcomes)), bundleBytes: bundle.bytes, bundleGzipBytes: bundle.gzipBytes, gcmMBps: r.gcmMBps };
}

export async function replayInXst(xst: string, cases: readonly ReplayCase[], options: ReplayRunOptions = {}): Promise<EngineReplayRun> {
  const bundle = await writeXsBundle(['xs-replay-harness.js']);
  try {
    const main = join(bundle.dir, 'main.js');
    writeFileSync(main, mainModule(cases, 'print', options));
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(xst, ['-m', main], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, out, errText) => {
        if (err) reject(new Error(`xst: ${err.message}\n${errText}`));
        else resolve(out);
      });
    });
    const line = stdout.trim().split('\n').pop() ?? '';
    return parseRun(line, bundle);
  } finally {
    bundle.remove();
  }
}

export async function replayInQuickJs(cases: readonly ReplayCase[], options: ReplayRunOptions = {}): Promise<EngineReplayRun> {
  const bundle = await writeXsBundle(['xs-replay-harness.js']);
  try {
    const QuickJS = await getQuickJS();
    const runtime = QuickJS.newRuntime({ memoryLimitBytes: 128 * 1024 * 1024, maxStackSizeBytes: 1024 * 1024 });
    let deadline = Date.now() + 120_000;
    runtime.setInterruptHandler(() => Date.now() > deadline);
    runtime.setModuleLoader((name) => readFileSync(join(bundle.dir, name.replace(/^\.\//, '')), 'utf8'));
    const vm = runtime.newContext();
    let emitted = '';
    const emit = vm.newFunction('emit', (s) => { emitted = vm.getString(s); });
    vm.setProp(vm.global, 'emit', emit);
    emit.dispose();
    try {
      deadline = Date.now() + 120_000;
      const r = vm.evalCode(mainModule(cases, 'emit', options), 'main.js', { type: 'module' });
      if (r.error) {
        const e = vm.dump(r.error) as { message?: string };
        r.error.dispose();
        throw new Error(`QuickJS: ${e?.message ?? JSON.stringify(e)}`);
      }
      r.value.dispose();
      for (let i = 0; i < 100 && !emitted; i++) {
        const jobs = runtime.executePendingJobs();
        if (jobs.error) {
          const e = vm.dump(jobs.error) as { message?: string };
          jobs.error.dispose();
          throw new Error(`QuickJS job: ${e?.message ?? JSON.stringify(e)}`);
        }
      }
      if (!emitted) throw new Error('QuickJS: the replay module never finished');
      return parseRun(emitted, bundle);
    } finally {
      vm.dispose();
      runtime.dispose();
    }
  } finally {
    bundle.remove();
  }
}

export async function replayInXsnap(binary: string, cases: readonly ReplayCase[], options: ReplayRunOptions = {}): Promise<EngineReplayRun> {
  const bundle = await writeXsBundle(['xs-replay-harness.js']);
  let emitted = '';
  const worker = new XsnapWorker(binary, (q) => { emitted = new TextDecoder().decode(q); return new Uint8Array(0); });
  try {
    const main = join(bundle.dir, 'main.js');
    writeFileSync(main, [
      'globalThis.emit = (s) => issueCommand(new TextEncoder().encode(s).buffer);',
      mainModule(cases, 'globalThis.emit', options),
    ].join('\n'));
    await worker.evaluate(`import(${JSON.stringify(main)})`);
    if (!emitted) throw new Error(`xsnap: the replay module never finished ${worker.stderr}`);
    return parseRun(emitted, bundle);
  } finally {
    await worker.close();
    bundle.remove();
  }
}
