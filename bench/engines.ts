/**
 * `npm run bench:engines`: microtls inside device engines on this machine, one run.
 *
 *  - xsnap (XS 13.3 from @agoric/xsnap): the XS bundle live, the Node host relaying TCP
 *    bytes, timers and randomness (test/device/xs-relay.ts): load time, handshakes in the
 *    device's five modes against `openssl s_server`, MQTT QoS 1 round trip through
 *    mosquitto over verified TLS, XS heap (slots in use after gc, and bytes allocated).
 *  - node --jitless: the same bundle, harness and scenarios in a Node process without the
 *    JIT (the reference the figures are compared with, measured in the same run).
 *  - xst (XS 17.9.1, ../shared/engines/xst or XST=) and QuickJS (quickjs-emscripten): no
 *    sockets, so load time and the ten recorded replays (handshake + echo, no network).
 *  - Espruino: rows from the Espruino port's bench function when present (test/device/espruino-bench.ts
 *    exporting espruinoEngineRows()).
 *  - Bundle sizes, minified and gzip.
 *  - For the cost model's check (bench/model/run-model.ts checkLive): the live handshakes counted
 *    on these very servers (bench/model/count-live.ts, in `liveCounts`); each live engine's
 *    transport alone, TCP-only exchanges through its relay shaped like each counted mode
 *    (bench/lib/shaped-pong.ts), with the fitted terms per connection, round trip and byte; and
 *    Espruino's live handshakes and transport on the same servers (bench/model/espruino-live.ts).
 * Each live handshake figure is the median of 3 x N after one warm-up (Espruino's: of N, at most 3). "engine busy" is the CPU time
 * of the engine during the handshake (xsnap's process from its schedstat, read while it waits
 * for the host; under --jitless the process's CPU time from getrusage over the engine's own
 * spans, test/device/xs-relay.ts startInProcess): this machine's cores are shared by many jobs,
 * so wall time includes waiting for a CPU, and CPU time is the figure to compare. Neither
 * holds the host's socket and relay work.
 * These are desktop runs of device engines: compare them with each other and with the jitless
 * figure, not with a device.
 * Target: XS verified handshake <= 50 ms.
 *
 * Alone (not --no-model) it also runs the cost model's unit probes in each live engine just before
 * and just after that engine's live runs (their mean is what predicts them), then prints the
 * model's check: this run's replays and live handshakes, predicted against measured.
 *
 *   npm run bench:engines -- [runs=5] [--no-model]
 * Prints a table and writes bench/results/engines.json (and $BENCH_JSON when set, for the
 * bench report); runEngineBench() returns the rows, formatEngineTable() prints them.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { findMosquitto } from '../test/helpers/mosquitto.js';
import { findXsnap, findXst } from '../test/helpers/engines.js';
import { writeXsBundle, type XsBundle } from '../test/device/xs-bundle.js';
import { replayInQuickJs, replayInXsnap, replayInXst, type EngineReplayRun } from '../test/device/xs-engines.js';
import { startXsPeers, type XsPeers } from '../test/device/xs-peers.js';
import { replayCases } from '../test/device/xs-replay-cases.js';
import { startInProcess, XsLive } from '../test/device/xs-relay.js';
import { flightsFor, transportTermRows, SPREAD_SHAPES, startShapedPongServer, type Flights } from './lib/shaped-pong.js';
import { countLiveModes, type LiveCount } from './model/count-live.js';
import { espruinoLiveRows } from './model/espruino-live.js';
import { espruinoBundle } from '../test/helpers/espruino.js';
import type { DeviceModeId } from './model/device-modes.js';
import { checkLive, printModel, runModel, type ModelCheckRow } from './model/run-model.js';
import { bracketed, measureBundled, measureEspruino, type EngineMeasurement } from './model/engine-costs.js';
import { KERNEL_ROUNDS, LIVE_KERNEL_CASE } from './model/kernel.js';
import { cpuSpread } from './lib/stats.js';
import { createBenchPki } from './lib/bench-pki.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface EngineRow {
  readonly engine: string;
  readonly case: string;
  readonly value: number | undefined;
  readonly unit: string;
  readonly note?: string;
  /** A live handshake's negotiated suite (to compare with the counted one). */
  readonly suite?: string;
  /** Live modes: the reference kernel's median over the runs of this mode alone, us per iteration (the machine's speed while this mode ran). */
  readonly kernelUs?: number;
}

export interface EngineBenchResult {
  readonly date: string;
  readonly node: string;
  readonly runs: number;
  readonly rows: EngineRow[];
  readonly notes: string[];
  /**
   * The live handshakes' work, counted against the same servers and PKI (bench/model/count-live.ts),
   * for the cost model's like-for-like check; absent when counting failed (see notes).
   */
  readonly liveCounts?: Record<DeviceModeId, LiveCount>;
  /**
   * With `probes`: the cost model's unit costs measured in each live engine just before and just
   * after its live runs (bench/model/engine-costs.ts bracketed), and in xst (replays only).
   */
  readonly probes?: EngineMeasurement[];
  /** `npm run bench:engines` alone: the cost model's check right after these runs (replays and live rows). */
  modelCheck?: { date: string; check: ModelCheckRow[]; measurements: unknown[]; missing: string[] };
}

/** The check's verdict lines, as the bench report prints them. */
export function modelAccuracyLines(check: readonly ModelCheckRow[], when: string): string[] {
  const pct = (e: number) => `${e >= 0 ? '+' : ''}${(e * 100).toFixed(0)}%`;
  return check.map((c) => c.error === undefined ? `model accuracy, ${c.engine}: not checked (${c.missing})`
    : c.crossCheck ? `model cross-check (not like for like: ${c.crossCheck}), ${c.engine} ${c.what}: ${pct(c.error)} -> ${Math.abs(c.error) <= 0.3 ? 'within' : 'outside'} +-30%`
    : c.what.startsWith('live') ? `model accuracy, ${c.engine} ${c.what.replace(/ \(engines bench, s_server\).*$/, '')} (engines bench, ${when}): ${pct(c.error)} -> ${Math.abs(c.error) <= 0.3 ? 'met' : 'MISSED'}`
    : `model accuracy, ${c.engine} ${c.what.replace(/ \(full handshake.*$/, '')}: ${pct(c.error)} (target +-30%) -> ${Math.abs(c.error) <= 0.3 ? 'met' : 'MISSED'}`);
}

/** The device's own figures (manual), beside which the table is read. */
export const REFERENCE_DEVICE_MS: Record<string, string> = {
  'handshake, no verification': '275',
  'handshake, verification': '460',
  'handshake, client certificate 1024': '1400',
  'handshake, client certificate 2048': '~6000',
  'handshake, ticket resumption': '55',
};

function median(xs: readonly number[]): number | undefined {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** What a live engine (xsnap, or this process under --jitless) is asked to do. */
interface LiveRunner {
  run<T>(scenario: string, params: Record<string, unknown>): Promise<T>;
  /** The engine thread's CPU time so far (ms). */
  cpuMs(): number | undefined;
}

interface PeerInfo {
  sServerPort: number;
  clientAuthPort: number;
  mqttsPort: number;
  ca: string;
  client1024: { cert: string; key: string };
  client2048: { cert: string; key: string };
  /** The shaped TCP pong server (bench/lib/shaped-pong.ts) and the exchanges to time through the engine's transport. */
  pongPort?: number;
  transportShapes?: { name: string; flights: Flights }[];
}

function peerInfo(p: XsPeers): PeerInfo {
  return { sServerPort: p.sServer.port, clientAuthPort: p.sServerClientAuth.port, mqttsPort: p.mqttsPort, ca: p.caPem, client1024: p.client1024, client2048: p.client2048 };
}

interface TlsOutcome { ms: number; resumed?: boolean; cipherSuite?: string; error?: { codeName: string; message: string } }

const MODE_CASES: Record<DeviceModeId, string> = {
  none: 'handshake, no verification',
  verify: 'handshake, verification',
  cc1024: 'handshake, client certificate 1024',
  cc2048: 'handshake, client certificate 2048',
  resume: 'handshake, ticket resumption',
};

/** The exchanges an engine's transport is timed with: each counted mode's shape, and a few and many bytes. */
function transportShapes(counts: Record<DeviceModeId, LiveCount>): { name: string; flights: Flights }[] {
  const describe = (f: Flights) => `${f.length} round trip${f.length === 1 ? '' : 's'}, ${f.reduce((n, [a, b]) => n + a + b, 0)} bytes`;
  return [
    ...(Object.keys(MODE_CASES) as DeviceModeId[]).map((id) => ({ name: `shaped like ${MODE_CASES[id].replace('handshake, ', '')}, ${describe(flightsFor(counts[id]))}`, flights: flightsFor(counts[id]) })),
    ...SPREAD_SHAPES.map((f) => ({ name: describe(f), flights: f })),
  ];
}

/**
 * The engine's transport alone (socket shim, host relay, calls across the engine boundary): a TCP
 * exchange without TLS per shape, engine busy time, median of 2 x runs after a warm-up, run after
 * and apart from the handshakes; then the least-squares terms per connection, round trip and byte.
 */
async function transportRows(engine: string, runner: LiveRunner, peers: PeerInfo, runs: number): Promise<EngineRow[]> {
  if (!peers.pongPort || !peers.transportShapes) return [];
  const rows: EngineRow[] = [];
  const samples: { flights: Flights; ms: number }[] = [];
  for (const shape of peers.transportShapes) {
    const cpu: number[] = [];
    let note: string | undefined;
    for (let i = 0; i <= runs * 2; i++) {
      const c0 = runner.cpuMs();
      const r = await runner.run<{ ms: number; error?: { message: string } }>('pong', { port: peers.pongPort, flights: shape.flights });
      const c1 = runner.cpuMs();
      if (r.error) { note = r.error.message; break; }
      if (i > 0 && c0 !== undefined && c1 !== undefined) cpu.push(c1 - c0);
    }
    const v = note ? undefined : median(cpu);
    rows.push({ engine, case: `transport, TCP only (no TLS), ${shape.name}: engine busy`, value: v, unit: 'ms', ...(note ? { note } : {}) });
    if (v !== undefined) samples.push({ flights: shape.flights, ms: v });
  }
  rows.push(...transportTermRows(engine, samples));
  return rows;
}

/**
 * Handshakes per mode for every `runs`: one connection's CPU time scatters widely (xsnap's
 * 2048-bit client certificate: 48 to 90 ms in one set of seven, with the key loaded and a blinding
 * pair drawn per connection, and XS's collections falling where they fall), so a median of a few
 * moves by a third from run to run. A handshake here takes milliseconds.
 */
const LIVE_HANDSHAKES_PER_RUN = 3;

/** The device's five modes and the MQTT round trip, each the median of LIVE_HANDSHAKES_PER_RUN x `runs` after a warm-up. */
async function liveRows(engine: string, runner: LiveRunner, peers: PeerInfo, runs: number): Promise<EngineRow[]> {
  const modes: [string, Record<string, unknown>][] = [
    ['handshake, no verification', { port: peers.sServerPort, verify: false }],
    ['handshake, verification', { port: peers.sServerPort, verify: true, ca: peers.ca }],
    ['handshake, client certificate 1024', { port: peers.clientAuthPort, verify: true, ca: peers.ca, ...peers.client1024 }],
    ['handshake, client certificate 2048', { port: peers.clientAuthPort, verify: true, ca: peers.ca, ...peers.client2048 }],
    ['handshake, ticket resumption', { port: peers.sServerPort, verify: true, ca: peers.ca, resume: true }],
  ];
  const rows: EngineRow[] = [];
  const kernel: number[] = [];
  for (const [name, params] of modes) {
    const times: number[] = [];
    const cpu: number[] = [];
    const modeKernel: number[] = [];
    let note: string | undefined;
    let suite: string | undefined;
    for (let i = 0; i <= runs * LIVE_HANDSHAKES_PER_RUN; i++) {
      // A resumption needs a full handshake to the same server first.
      if (params['resume']) await runner.run<TlsOutcome>('tls', { port: peers.sServerPort, verify: true, ca: peers.ca });
      // The machine's speed just before each run, in the engine, on the same clock (the model's check scales by it).
      const k0 = runner.cpuMs();
      await runner.run('kernel', { rounds: KERNEL_ROUNDS });
      const k1 = runner.cpuMs();
      if (i > 0 && k0 !== undefined && k1 !== undefined) {
        const us = ((k1 - k0) * 1000) / (KERNEL_ROUNDS * 1024);
        kernel.push(us);
        modeKernel.push(us);
      }
      const c0 = runner.cpuMs();
      const r = await runner.run<TlsOutcome>('tls', params);
      const c1 = runner.cpuMs();
      if (r.error) { note = `${r.error.codeName}: ${r.error.message}`; break; }
      if (params['resume'] && !r.resumed) { note = 'not resumed'; break; }
      if (r.cipherSuite) suite = r.cipherSuite;
      if (i > 0) { times.push(r.ms); if (c0 !== undefined && c1 !== undefined) cpu.push(c1 - c0); }
      // The first verified handshake parses the CA and checks every signature; later ones reuse both (src/x509/verifier.ts).
      else if (name === 'handshake, verification') {
        rows.push({ engine, case: 'handshake, verification (first connection)', value: r.ms, unit: 'ms' });
        if (c0 !== undefined && c1 !== undefined) rows.push({ engine, case: 'handshake, verification (first connection): engine busy', value: c1 - c0, unit: 'ms' });
      }
    }
    rows.push({ engine, case: name, value: note ? undefined : median(times), unit: 'ms', ...(note ? { note } : {}) });
    rows.push({ engine, case: `${name}: engine busy`, value: note ? undefined : median(cpu), unit: 'ms', ...(suite ? { suite } : {}), ...(note ? { note } : cpu.length > 2 ? { note: cpuSpread(cpu) } : {}),
      ...(modeKernel.length ? { kernelUs: median(modeKernel) } : {}) });
  }
  if (kernel.length) rows.push({ engine, case: LIVE_KERNEL_CASE, value: median(kernel), unit: 'us' });
  if (peers.mqttsPort) {
    const r = await runner.run<{ rtts?: number[]; connectMs?: number; error?: { message: string } }>('mqtt', { port: peers.mqttsPort, ca: peers.ca, topic: `bench/${engine.replace(/\W/g, '')}`, rounds: runs * 4 + 1 });
    rows.push({ engine, case: 'MQTT QoS 1 round trip', value: r.error ? undefined : median(r.rtts!.slice(1)), unit: 'ms', ...(r.error ? { note: r.error.message } : {}) });
    rows.push({ engine, case: 'MQTT connect (verified TLS + CONNACK)', value: r.error ? undefined : r.connectMs, unit: 'ms' });
  }
  return rows;
}

function replayRows(engine: string, run: EngineReplayRun): EngineRow[] {
  const suites = [...run.outcomes].filter(([name]) => !['rechunked', 'tampered-finished', 'wrong-ca', 'wrong-seed'].includes(name));
  const failed = suites.filter(([, o]) => o.error || !o.clientBytesMatch).map(([n]) => n);
  return [
    { engine, case: 'load bundle', value: run.loadMs, unit: 'ms' },
    { engine, case: 'replay (handshake + echo, no network), median of 10 suites', value: median(suites.map(([, o]) => o.ms)), unit: 'ms',
      ...(failed.length ? { note: `failed: ${failed.join(', ')}` } : {}) },
    { engine, case: 'AES-128-GCM seal, 16 KiB records', value: run.gcmMBps, unit: 'MB/s' },
  ];
}

/** In a `node --jitless` child: the same bundle, harness and scenarios, in process. */
async function jitlessChild(): Promise<void> {
  const peers = JSON.parse(process.env['MICROTLS_ENGINE_PEERS']!) as PeerInfo;
  const runs = Number(process.env['MICROTLS_ENGINE_RUNS'] ?? 5);
  const bundle = await writeXsBundle(['xs-live-harness.js', 'xs-replay-harness.js']);
  try {
    const engine = await startInProcess(bundle);
    // The bundle build's garbage (esbuild, Babel) would otherwise be collected inside a live run.
    (globalThis as { gc?: () => void }).gc?.();
    // Timed in a plain `node --jitless` (this process has tsx's loader, which would transform the file first).
    const rows: EngineRow[] = [{ engine: 'node --jitless', case: 'load bundle', value: await jitlessLoadMs(bundle.path), unit: 'ms' }];
    // The engine's own CPU time (startInProcess's engineCpuMs: the harness and the bundle, less
    // the host's answers), as xsnap's figure is its own process's: Node's socket work is the
    // host's here, as it is there. Read with process.cpuUsage, the clock the unit probes are
    // timed with (bench/model/engine-costs.ts).
    const runner: LiveRunner = { run: (s, p) => engine.run(s, p), cpuMs: () => engine.engineCpuMs() };
    rows.push(...(await liveRows('node --jitless', runner, peers, runs)));
    rows.push(...(await transportRows('node --jitless', runner, peers, runs)));
    await import(pathToFileURL(join(bundle.dir, 'xs-replay-harness.js')).href);
    const replay = (globalThis as unknown as { microtlsReplay(f: string, o: string): string }).microtlsReplay;
    const times = replayCases().filter((c) => !c.options).map((c) => (JSON.parse(replay(c.fixture, '')) as { ms: number }).ms);
    rows.push({ engine: 'node --jitless', case: 'replay (handshake + echo, no network), median of 10 suites', value: median(times), unit: 'ms' });
    rows.push({ engine: 'node --jitless', case: 'AES-128-GCM seal, 16 KiB records', value: (globalThis as unknown as { microtlsGcmRate(): number }).microtlsGcmRate(), unit: 'MB/s' });
    engine.relay.close();
    process.stdout.write(`\n@@ROWS${JSON.stringify(rows)}\n`);
  } finally {
    bundle.remove();
  }
}

function jitlessLoadMs(bundlePath: string): Promise<number | undefined> {
  const code = `const t = performance.now(); await import(${JSON.stringify(pathToFileURL(bundlePath).href)}); console.log(performance.now() - t);`;
  return new Promise((resolve) => {
    execFile(process.execPath, ['--jitless', '--input-type=module', '-e', code], { timeout: 60_000 }, (err, out) => {
      resolve(err ? undefined : Number(out.trim()));
    });
  });
}

function runJitless(peers: PeerInfo, runs: number): Promise<EngineRow[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--jitless', '--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--jitless-child'], {
      env: { ...process.env, MICROTLS_ENGINE_PEERS: JSON.stringify(peers), MICROTLS_ENGINE_RUNS: String(runs) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('close', (code) => {
      const m = /@@ROWS(.*)\n/.exec(out);
      if (m) resolve(JSON.parse(m[1]!) as EngineRow[]);
      else reject(new Error(`node --jitless child exited ${code}: ${out.slice(-500)}`));
    });
  });
}

async function espruinoRows(): Promise<EngineRow[] | string> {
  const path = join(here, '..', 'test', 'device', 'espruino-bench.ts');
  if (!existsSync(path)) return 'Espruino: no test/device/espruino-bench.ts (espruinoEngineRows) on this branch';
  const m = (await import(pathToFileURL(path).href)) as { espruinoEngineRows?: () => Promise<EngineRow[]> };
  return m.espruinoEngineRows ? m.espruinoEngineRows() : 'Espruino: espruino-bench.ts exports no espruinoEngineRows()';
}

export async function runEngineBench(options: { runs?: number; probes?: boolean } = {}): Promise<EngineBenchResult> {
  const runs = options.runs ?? 5;
  const rows: EngineRow[] = [];
  const notes: string[] = [];
  // The model's probes (never the runs they predict), each live engine's on both sides of its runs.
  const probes: EngineMeasurement[] = [];
  const probe = async <T extends EngineMeasurement | undefined>(what: string, f: () => Promise<T>): Promise<T | undefined> => {
    if (!options.probes) return undefined;
    return f().catch((e: Error) => (notes.push(`model probes, ${what}: ${e.message.split('\n')[0]}`), undefined));
  };
  const xstProbe = await probe('xst', () => measureBundled('xst'));
  if (xstProbe) probes.push(xstProbe);
  const bundle: XsBundle = await writeXsBundle([]);
  rows.push({ engine: 'XS bundle', case: 'size, minified', value: bundle.bytes / 1024, unit: 'KiB' });
  rows.push({ engine: 'XS bundle', case: 'size, gzip', value: bundle.gzipBytes / 1024, unit: 'KiB' });
  bundle.remove();

  const peers = await startXsPeers({ mosquitto: !!findMosquitto() });
  if (!peers.mosquitto) notes.push('mosquitto absent: no MQTT rows');
  const pong = await startShapedPongServer();
  let liveCounts: Record<DeviceModeId, LiveCount> | undefined;
  try {
    await new Promise((r) => setTimeout(r, 300)); // s_server listening
    const info: PeerInfo = peerInfo(peers);
    // The cost model's check predicts the live handshakes below: count them on these very servers.
    liveCounts = await countLiveModes(info).catch((e: Error) => (notes.push(`live handshakes not counted: ${e.message}`), undefined));
    if (liveCounts) Object.assign(info, { pongPort: pong.port, transportShapes: transportShapes(liveCounts) });
    const xsnap = findXsnap();
    if (xsnap.path) {
      const xsnapBefore = await probe('xsnap', () => measureBundled('xsnap'));
      const { live, loadMs } = await XsLive.start({ xsnap: xsnap.path });
      try {
        rows.push({ engine: 'xsnap', case: 'load bundle', value: loadMs, unit: 'ms', note: 'host-timed: import of the bundle + harness' });
        rows.push(...(await liveRows('xsnap', live, info, runs)));
        rows.push(...(await transportRows('xsnap', live, info, runs)));
        await live.run('heap');
        await new Promise((r) => setTimeout(r, 50));
        rows.push({ engine: 'xsnap', case: 'XS heap after the runs, after gc', value: live.lastMeter?.currentHeapCount, unit: 'slots' });
        rows.push({ engine: 'xsnap', case: 'XS memory allocated (chunks + slots)', value: (live.lastMeter?.allocate ?? 0) / 1024, unit: 'KiB' });
      } finally {
        await live.close();
      }
      const xsnapAfter = await probe('xsnap', () => measureBundled('xsnap'));
      const xsnapProbe = bracketed(xsnapBefore, xsnapAfter);
      if (xsnapProbe) probes.push(xsnapProbe);
      rows.push(...replayRows('xsnap', await replayInXsnap(xsnap.path, replayCases(), { gcmRate: true })));
    } else {
      notes.push(`xsnap: ${xsnap.note}`);
    }
    const jitlessBefore = await probe('node --jitless (XS provider)', () => measureBundled('node --jitless (XS provider)'));
    rows.push(...(await runJitless(info, runs)));
    const jitlessProbe = bracketed(jitlessBefore, await probe('node --jitless (XS provider)', () => measureBundled('node --jitless (XS provider)')));
    if (jitlessProbe) probes.push(jitlessProbe);
    // Espruino on the same servers, for the cost model's check (its figures table comes from espruinoRows() below);
    // at most 3 runs a mode: a client-certificate 2048 handshake takes ~30 s of Espruino's CPU here.
    if (liveCounts && info.transportShapes) {
      // The probes read dist/device/microtls.espruino.js: the bundle the live runs build and load.
      if (options.probes) await espruinoBundle().catch((e: Error) => notes.push(`Espruino bundle: ${e.message}`));
      const espBefore = await probe('espruino', () => measureEspruino(xstProbe?.units, xstProbe?.kernelUs));
      const esp = await espruinoLiveRows(info, pong.port, info.transportShapes, Math.min(runs, 3)).catch((e: Error) => `Espruino live check: ${e.message}`);
      if (typeof esp === 'string') notes.push(esp);
      else rows.push(...esp);
      const espProbe = bracketed(espBefore, await probe('espruino', () => measureEspruino(xstProbe?.units, xstProbe?.kernelUs)));
      if (espProbe) probes.push(espProbe);
    }
  } finally {
    await peers.close();
    await pong.close();
  }
  const xst = findXst();
  if (xst.path) rows.push(...replayRows('xst', await replayInXst(xst.path, replayCases(), { gcmRate: true })));
  else notes.push(`xst: ${xst.note}`);
  rows.push(...replayRows('QuickJS', await replayInQuickJs(replayCases(), { gcmRate: true })));
  const esp = await espruinoRows().catch((e: Error) => `Espruino: ${e.message}`);
  if (typeof esp === 'string') notes.push(esp);
  else rows.push(...esp);
  return { date: new Date().toISOString(), node: process.version, runs, rows, notes, ...(liveCounts ? { liveCounts } : {}), ...(options.probes ? { probes } : {}) };
}

const ENGINE_ORDER = ['xsnap', 'node --jitless', 'xst', 'QuickJS', 'Espruino', 'node --jitless (Espruino run)'];

export function formatEngineTable(r: EngineBenchResult): string {
  const engines = ENGINE_ORDER.filter((e) => r.rows.some((x) => x.engine === e));
  const cases = [...new Set(r.rows.filter((x) => engines.includes(x.engine)).map((x) => x.case))];
  const cell = (engine: string, c: string): string => {
    const row = r.rows.find((x) => x.engine === engine && x.case === c);
    if (!row) return '';
    if (row.value === undefined) return 'failed';
    return `${row.value < 10 ? row.value.toFixed(row.value < 1 ? 2 : 1) : row.value.toFixed(0)} ${row.unit}`;
  };
  const header = ['case', ...engines, 'device'];
  const lines = [header, ...cases.map((c) => [c, ...engines.map((e) => cell(e, c)), REFERENCE_DEVICE_MS[c] ? `${REFERENCE_DEVICE_MS[c]} ms` : ''])];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  const out = lines.map((l) => l.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  '));
  for (const x of r.rows.filter((x) => !engines.includes(x.engine))) out.push(`${x.engine}: ${x.case} ${x.value?.toFixed(1)} ${x.unit}`);
  for (const x of r.rows.filter((x) => x.note)) out.push(`note (${x.engine}, ${x.case}): ${x.note}`);
  for (const n of r.notes) out.push(`note: ${n}`);
  const xsVerify = r.rows.find((x) => x.engine === 'xsnap' && x.case === 'handshake, verification')?.value;
  const xsVerifyCpu = r.rows.find((x) => x.engine === 'xsnap' && x.case === 'handshake, verification: engine busy')?.value;
  if (xsVerify !== undefined) {
    out.push(`target: XS verified handshake <= 50 ms: wall ${xsVerify.toFixed(1)} ms (${xsVerify <= 50 ? 'met' : 'NOT met'}), ` +
      `XS CPU ${xsVerifyCpu?.toFixed(1) ?? '?'} ms (${xsVerifyCpu !== undefined && xsVerifyCpu <= 50 ? 'met' : 'NOT met'})`);
  }
  return out.join('\n');
}

/** The README's table: the device's modes, XS CPU and wall time, node --jitless, the reference device. */
export function formatEngineMarkdown(r: EngineBenchResult): string {
  const v = (engine: string, c: string): string => {
    const x = r.rows.find((row) => row.engine === engine && row.case === c)?.value;
    return x === undefined ? '–' : x < 10 ? x.toFixed(1) : x.toFixed(0);
  };
  const lines = [
    '| mode | XS (xsnap) CPU | XS (xsnap) wall | node --jitless CPU | reference device |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const c of Object.keys(REFERENCE_DEVICE_MS)) {
    lines.push(`| ${c.replace('handshake, ', '')} | ${v('xsnap', `${c}: engine busy`)} ms | ${v('xsnap', c)} ms | ${v('node --jitless', `${c}: engine busy`)} ms | ${REFERENCE_DEVICE_MS[c]} ms |`);
  }
  lines.push(`| verification, first connection (CA parsed, signatures checked) | ${v('xsnap', 'handshake, verification (first connection): engine busy')} ms | ${v('xsnap', 'handshake, verification (first connection)')} ms | ${v('node --jitless', 'handshake, verification (first connection): engine busy')} ms | |`);
  lines.push(`| MQTT QoS 1 round trip (wall) | | ${v('xsnap', 'MQTT QoS 1 round trip')} ms | ${v('node --jitless', 'MQTT QoS 1 round trip')} ms (wall) | |`);
  lines.push('');
  lines.push('| engine | load bundle | replay (handshake + echo, no network), median of 10 suites | AES-128-GCM seal, 16 KiB records |');
  lines.push('| --- | ---: | ---: | ---: |');
  for (const e of ['xst', 'QuickJS', 'xsnap', 'node --jitless']) {
    const gcm = r.rows.find((x) => x.engine === e && x.case === 'AES-128-GCM seal, 16 KiB records')?.value;
    if (r.rows.some((x) => x.engine === e)) lines.push(`| ${e} | ${v(e, 'load bundle')} ms | ${v(e, 'replay (handshake + echo, no network), median of 10 suites')} ms | ${gcm === undefined ? '–' : gcm.toFixed(2)} MB/s |`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  if (process.argv.includes('--jitless-child')) return jitlessChild();
  const runs = Number(process.argv[2] ?? 5);
  const withModel = !process.argv.includes('--no-model');
  const result = await runEngineBench({ runs, probes: withModel });
  console.log(`Engines (desktop runs of device engines, this machine, Node ${result.node}, median of ${runs} after a warm-up)`);
  console.log(formatEngineTable(result));
  console.log('');
  console.log(formatEngineMarkdown(result));
  // The cost model checked against these very runs: its unit probes in each engine right after them
  // (bench/model/engine-costs.ts; never the runs' own figures), then the replays and live rows predicted.
  if (withModel) {
    console.log('\nDevice cost model: unit probes in each engine (just before and after its live runs), and this run\'s replays and live handshakes predicted from them');
    const model = await runModel(createBenchPki(), { measurements: result.probes });
    model.check.push(...checkLive(model, result));
    printModel(model);
    const when = `${result.date.slice(0, 10)} ${result.date.slice(11, 16)} UTC`;
    console.log('\nTargets (reported, not tested)');
    for (const l of modelAccuracyLines(model.check, when)) console.log(`  ${l}`);
    result.modelCheck = { date: new Date().toISOString(), check: model.check, measurements: model.measurements, missing: model.missing };
  }
  const dir = join(here, 'results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'engines.json'), JSON.stringify(result, null, 2) + '\n');
  // As a section of the bench report (run as a child process that hands back JSON).
  if (process.env['BENCH_JSON']) writeFileSync(process.env['BENCH_JSON'], JSON.stringify(result, null, 2));
  console.log(`written: bench/results/engines.json`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(() => process.exit(0), (e: unknown) => { console.error(e); process.exit(1); });
}
