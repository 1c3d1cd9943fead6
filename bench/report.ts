/**
 * `npm run bench`: the one benchmark report. Every section measures microtls beside a reference
 * in the same run (Node's tls, node:crypto, the peers) and reports ratios; the machine is shared
 * and noisy, so compare ratios within one run, never absolute times across runs. Printed as
 * tables and written as JSON to bench/results/<date>.json.
 *
 * Sections (each a child process, so each has its own V8 flags): handshakes in the device's
 * five modes (bench/handshakes.ts), the same under node --jitless, application data per suite
 * (bench/throughput.ts), crypto ratios to node:crypto (bench/crypto.ts), memory per idle
 * connection (bench/memory.ts, --expose-gc); then device bundle sizes, the engines table
 * (bench/engines.ts, when present) and the device cost model (bench/model/).
 *
 *   npm run bench                          the whole report (a few minutes)
 *   npm run bench -- --update-profiles     also store this run's engine unit costs in the ESP32
 *                                          profiles (what `npm start` predicts with)
 *   BENCH_ROUNDS=10 npm run bench          fewer handshake rounds
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { Row } from './lib/measure.js';
import { BENCH_DIR, runSection } from './lib/children.js';
import { createBenchPki } from './lib/bench-pki.js';
import { machineInfo, machineLines } from './lib/machine.js';
import { printTable, ratio } from './lib/table.js';
import { FORGE_ON_NODE, printHandshakes, type HandshakeResults, type HandshakeRow } from './handshakes.js';
import { printThroughput, type ThroughputResults } from './throughput.js';
import { printMemory, type MemoryResults } from './memory.js';
import type { EngineMeasurement } from './model/engine-costs.js';
import { checkJitlessLive, checkLive, printModel, runModel, type EngineBenchForModel, type ModelResults } from './model/run-model.js';
import { DEVICE_MODES, type DeviceModeId } from './model/device-modes.js';

const ROOT = join(BENCH_DIR, '..');

interface BundleRow { file: string; bytes: number; gzip: number }

function bundles(): { rows: BundleRow[]; note?: string } {
  const dir = join(ROOT, 'dist', 'device');
  if (!existsSync(dir)) return { rows: [], note: 'absent: dist/device/ not built (npm run build:device)' };
  const rows = readdirSync(dir).filter((f) => f.endsWith('.js')).sort().map((f) => {
    const data = readFileSync(join(dir, f));
    return { file: `dist/device/${f}`, bytes: statSync(join(dir, f)).size, gzip: gzipSync(data, { level: 9 }).length };
  });
  return rows.length ? { rows } : { rows, note: 'absent: dist/device/ holds no bundle' };
}

/**
 * Head to head: microtls's best provider against each peer, each as a ratio to Node's tls on the
 * same server, protocol version and suite as that client (microtls: TLS 1.2 RSA key exchange;
 * @reclaimprotocol/tls: TLS 1.2 ECDHE-RSA; node-forge: TLS 1.1 on a Node server, not on forge's
 * own server, whose slow RSA decryption would dilute forge's wall-time ratio toward 1), in wall
 * time and in client CPU.
 */
function headToHead(h: HandshakeResults): string[] {
  const out: string[] = [];
  for (const m of h.modes) {
    const mt = m.rows.filter((r) => r.client.startsWith('microtls') && !r.client.includes('cold'));
    if (!mt.length) continue;
    const best = (f: (r: HandshakeRow) => number | undefined) => mt.reduce((a, b) => ((f(a) ?? Infinity) <= (f(b) ?? Infinity) ? a : b));
    for (const peer of m.rows.filter((r) => r.client.startsWith('@reclaim') || r.client === FORGE_ON_NODE)) {
      for (const [what, f] of [['wall', (r: HandshakeRow) => r.ratio], ['client CPU', (r: HandshakeRow) => r.cpuRatio]] as const) {
        const b = best(f);
        const ahead = (f(b) ?? Infinity) < (f(peer) ?? 0);
        out.push(`head to head${h.jitless ? ', --jitless' : ''}, ${m.label}, ${what}: ${b.client} ${ratio(f(b))} vs ${peer.client} ${ratio(f(peer))} (each against Node's tls on its own server and suite) -> ${ahead ? 'ahead' : 'NOT ahead'}`);
      }
    }
  }
  return out;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const machine = machineInfo();
  console.log('microtls benchmark report');
  for (const l of machineLines(machine)) console.log(l);
  const report: Record<string, unknown> = { machine };
  let mark = performance.now();
  const lap = (what: string) => {
    console.log(`  (${what}: ${((performance.now() - mark) / 1000).toFixed(0)} s)`);
    mark = performance.now();
  };

  console.log('\n[1/7] handshakes (JIT) ...');
  const hs = await runSection<HandshakeResults>('handshakes.ts', []);
  if (hs) printHandshakes(hs);
  lap('handshakes');
  console.log('\n[2/7] handshakes (node --jitless) ...');
  const hsJitless = await runSection<HandshakeResults>('handshakes.ts', ['--jitless']);
  if (hsJitless) printHandshakes(hsJitless);
  lap('handshakes --jitless');
  report.handshakes = hs;
  report.handshakesJitless = hsJitless;

  console.log('\n[3/7] application data ...');
  const tp = await runSection<ThroughputResults>('throughput.ts', []);
  if (tp) printThroughput(tp);
  lap('application data');
  report.throughput = tp;

  console.log('\n[4/7] crypto (bench/crypto.ts, ratios to node:crypto) ...');
  const crypto = await runSection<{ symmetric: Row[]; publicKey: Row[] }>('crypto.ts', []);
  report.crypto = crypto;
  lap('crypto');

  console.log('\n[5/7] memory per idle connection ...');
  const mem = await runSection<MemoryResults>('memory.ts', ['--expose-gc']);
  if (mem) printMemory(mem);
  lap('memory');
  report.memory = mem;

  const b = bundles();
  if (b.rows.length) printTable('Device bundles', ['file', 'bytes', 'gzip -9'], b.rows.map((r) => [r.file, String(r.bytes), String(r.gzip)]));
  else console.log(`\nDevice bundles: ${b.note}`);
  report.bundles = b;

  console.log('\n[6/7] engines ...');
  let engineBench: EngineBenchForModel = { rows: [] };
  // The model's unit probes taken beside the engines' live runs (bracketing them), reused by the model below.
  let engineProbes: EngineMeasurement[] = [];
  const enginesFile = join(BENCH_DIR, 'engines.ts');
  if (existsSync(enginesFile)) {
    // bench/engines.ts (the device-engines bench) exports runEngineBench() and formatEngineTable().
    const mod = (await import(pathToFileURL(enginesFile).href)) as {
      runEngineBench?: (o: { runs?: number; probes?: boolean }) => Promise<EngineBenchForModel & { notes?: string[]; probes?: EngineMeasurement[] }>;
      formatEngineTable?: (r: unknown) => string;
    };
    if (mod.runEngineBench) {
      try {
        const r = await mod.runEngineBench({ runs: 5, probes: true });
        engineProbes = r.probes ?? [];
        console.log('Engines (desktop runs of device engines on this machine, bench/engines.ts)');
        console.log(mod.formatEngineTable ? mod.formatEngineTable(r) : JSON.stringify(r.rows, null, 1));
        engineBench = r;
        report.engines = r;
      } catch (e) {
        console.log(`Engines: bench/engines.ts failed: ${(e as Error).message}`);
        report.engines = `failed: ${(e as Error).message}`;
      }
    } else {
      report.engines = 'bench/engines.ts exports no runEngineBench()';
      console.log(`Engines: ${report.engines}`);
    }
  } else {
    console.log('Engines: absent (bench/engines.ts is not in this tree)');
    report.engines = 'absent: bench/engines.ts is not in this tree';
  }

  lap('engines');
  console.log('\n[7/7] device cost model ...');
  const model: ModelResults = await runModel(createBenchPki(), { updateProfiles: process.argv.includes('--update-profiles'), measurements: engineProbes });
  model.check.push(...checkLive(model, engineBench));
  if (hsJitless) model.check.push(...checkJitlessLive(model, hsJitless.modes));
  if (!engineBench.rows.length) model.missing.push('live engine handshakes: no engines bench rows in this run, so only the replays are checked');
  const desktop = hs
    ? Object.fromEntries(hs.modes.map((m) => [m.id, m.rows.find((r) => r.client === 'microtls (node provider)')?.median])) as Partial<Record<DeviceModeId, number>>
    : undefined;
  printModel(model, desktop);
  report.model = model;
  lap('cost model');

  const targets: string[] = [];
  for (const h of [hs, hsJitless]) if (h) targets.push(...headToHead(h));
  for (const c of model.check) {
    if (c.crossCheck && c.error !== undefined) {
      targets.push(`model cross-check (not like for like: ${c.crossCheck}), ${c.engine} ${c.what}: ${c.error >= 0 ? '+' : ''}${(c.error * 100).toFixed(0)}% -> ${Math.abs(c.error) <= 0.3 ? 'within' : 'outside'} +-30%`);
    } else if (c.what.startsWith('live') && c.error !== undefined) {
      targets.push(`model accuracy, ${c.engine} ${c.what}: ${c.error >= 0 ? '+' : ''}${(c.error * 100).toFixed(0)}% -> ${Math.abs(c.error) <= 0.3 ? 'met' : 'MISSED'}`);
    } else if (c.error !== undefined) targets.push(`model accuracy, ${c.engine}: ${c.error >= 0 ? '+' : ''}${(c.error * 100).toFixed(0)}% (target +-30%) -> ${Math.abs(c.error) <= 0.3 ? 'met' : 'MISSED'}`);
    else targets.push(`model accuracy, ${c.engine}: not checked (${c.missing})`);
  }
  const ref = model.predictions['reference-mcu'];
  if (ref) {
    for (const id of ['verify', 'resume'] as const) {
      const dm = DEVICE_MODES.find((m) => m.id === id)!;
      const p = ref[id].totalMs;
      targets.push(`accelerator profile, ${dm.label}: ${p.toFixed(1)} ms predicted vs the device's ${dm.deviceText} ms -> ${p <= dm.deviceMs ? 'at or below' : 'ABOVE'}`);
    }
  }
  console.log('\nTargets (reported, not tested)');
  for (const t of targets) console.log(`  ${t}`);
  report.targets = targets;

  const dir = join(BENCH_DIR, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${machine.date.slice(0, 19).replace(/:/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 1)}\n`);
  console.log(`\nwritten ${file.slice(ROOT.length)}; ${((performance.now() - t0) / 1000).toFixed(0)} s in all`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
