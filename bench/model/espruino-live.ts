/**
 * Espruino's live handshakes for the cost model's like-for-like check (bench/engines.ts calls
 * espruinoLiveRows() while its servers are up): the device bundle in the real Espruino binary,
 * loaded as the unit probes load it, over Espruino's `net` through microtls's own socket wrapper, against the very
 * `openssl s_server` pair and PKI the XS runs use and the handshakes were counted on
 * (bench/model/count-live.ts), each mode the median of `runs` after a warm-up; then the same
 * transport alone: TCP-only exchanges shaped like the counted handshakes (microtls.connectTcp,
 * the same `net` wrapper, bench/lib/shaped-pong.ts), timed apart from the handshakes.
 *
 * Timed in Espruino's own CPU time (/proc/self/stat, 10 ms ticks; the TCP-only exchanges ten at a
 * time): not the time the neighbours ran. Espruino's idle loop polls, so the few waits for the
 * loopback and the server inside a run are in it, in the handshakes and the exchanges alike.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enginePath } from '../../test/helpers/engines.js';
import { espruinoBundle } from '../../test/helpers/espruino.js';
import { cpuSpread, median } from '../lib/stats.js';
import { transportTermRows, type Flights } from '../lib/shaped-pong.js';
import type { LiveTarget } from './count-live.js';
import { DEVICE_MODES, type DeviceModeId } from './device-modes.js';
import { ESPRUINO_KERNEL_ROUNDS, KERNEL_FUNCTION, LIVE_KERNEL_CASE } from './kernel.js';

export interface EspruinoLiveRow { engine: string; case: string; value: number | undefined; unit: string; note?: string; suite?: string }

const SCRIPT = `
var jobs = [], lastSession, fs = require('fs');
function out(o) { print(JSON.stringify(o)); }
function finish() { out({ event: 'finished' }); setTimeout(function () { process.exit ? process.exit() : quit(); }, 10); }
// This process's CPU time (utime + stime, 10 ms ticks): the interpreter's own work, not the
// time the neighbours ran (Espruino's idle loop polls, so host-side readings around idle
// gaps would count those too).
function cpuMs() {
  var f = String(fs.readFileSync('/proc/self/stat'));
  f = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}
function base(port) { return { host: '127.0.0.1', port: port, servername: 'localhost', ca: CA, timeout: 180000 }; }
function optsFor(mode) {
  var o = base(mode === 'cc1024' || mode === 'cc2048' ? PORT_CC : PORT);
  o.verify = mode !== 'none';
  if (mode === 'cc1024') { o.cert = C1024; o.key = K1024; }
  if (mode === 'cc2048') { o.cert = C2048; o.key = K2048; }
  if (mode === 'resume') o.session = lastSession;
  return o;
}
function hs(mode, cb) {
  microtls.connect(optsFor(mode)).then(function (s) {
    var r = { ok: true, resumed: s.resumed, suite: s.cipherSuite };
    lastSession = s.getSession() || lastSession;
    s.end();
    cb(r);
  }, function (e) { cb({ ok: false, message: String(e.codeName) + ' ' + String(e.message) }); });
}
function hsRepeat(mode, n, cb) {
  hs(mode, function (r) {
    if (!r.ok || n <= 1 || (mode === 'resume' && !r.resumed)) return cb(r);
    hsRepeat(mode, n - 1, cb);
  });
}
function pong(flights, cb) {
  microtls.connectTcp('127.0.0.1', PONG).then(function (d) {
    var i = 0, got = 0;
    function send() {
      var f = flights[i], b = new Uint8Array(f[0] > 8 ? f[0] : 8);
      b[0] = b.length >> 24; b[1] = (b.length >> 16) & 255; b[2] = (b.length >> 8) & 255; b[3] = b.length & 255;
      b[4] = f[1] >> 24; b[5] = (f[1] >> 16) & 255; b[6] = (f[1] >> 8) & 255; b[7] = f[1] & 255;
      d.write(b);
    }
    d.on('data', function (x) {
      got += x.length;
      if (got < flights[i][1]) return;
      got = 0;
      if (++i < flights.length) return send();
      d.end();
      cb({ ok: true });
    });
    send();
  }, function (e) { cb({ ok: false, message: String(e.message) }); });
}
// A TCP-only exchange takes a few ms, under the clock's 10 ms tick: timed BATCH at a time.
function pongs(flights, n, cb) { if (n === 0) return cb({ ok: true }); pong(flights, function (r) { if (!r.ok) cb(r); else pongs(flights, n - 1, cb); }); }
MODES.forEach(function (mode) {
  for (var i = 0; i <= RUNS; i++) (function (i) {
    // A resumption offers the session of a verified full handshake just before it.
    if (mode === 'resume') jobs.push(function (next) { hs('verify', next); });
    // A resumption takes about 3 of the clock's 10 ms ticks: timed RESUME_BATCH in a row (each
    // offering the session the one before it left), as the TCP-only exchanges are timed BATCH at a time.
    var n = mode === 'resume' ? RESUME_BATCH : 1;
    // The machine's speed just before the run, on the same clock (kernel.ts, for the model's check).
    jobs.push(function (next) { var c0 = cpuMs(); kernel(KERNEL_ROUNDS); out({ event: 'kernel', run: i, us: (cpuMs() - c0) * 1000 / (KERNEL_ROUNDS * 1024) }); next(); });
    // The heap after the run, without a collection (process.memory(false)): Espruino's cost per
    // allocation depends on how full and how fragmented its variable store is.
    jobs.push(function (next) { var c0 = cpuMs(); hsRepeat(mode, n, function (r) { r.ms = (cpuMs() - c0) / n; var h = process.memory(false); r.heap = [h.usage, h.total]; r.event = 'run'; r.mode = mode; r.run = i; out(r); next(); }); });
  })(i);
});
SHAPES.forEach(function (shape, k) {
  for (var i = 0; i <= RUNS; i++) (function (i) {
    jobs.push(function (next) { var c0 = cpuMs(); pongs(shape, BATCH, function (r) { r.ms = (cpuMs() - c0) / BATCH; r.event = 'run'; r.shape = k; r.run = i; out(r); next(); }); });
  })(i);
});
function step() { var j = jobs.shift(); if (j) setTimeout(function () { j(step); }, 20); else finish(); }
step();
`;

interface Run { ms: number; us?: number; heap?: [number, number]; event?: string; ok?: boolean; message?: string; mode?: DeviceModeId; shape?: number; run?: number; resumed?: boolean; suite?: string }

function runEspruino(bin: string, dir: string, file: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [file], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString('latin1'); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString('latin1'); });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`Espruino did not finish within ${timeoutMs} ms: ${out.slice(-1500)}`)); }, timeoutMs);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', () => { clearTimeout(timer); resolve(out); });
  });
}

const BATCH = 10;
const RESUME_BATCH = 5;

export async function espruinoLiveRows(t: LiveTarget, pongPort: number, shapes: { name: string; flights: Flights }[], runs: number): Promise<EspruinoLiveRow[] | string> {
  const bin = enginePath('espruino');
  if (!bin) return 'Espruino live check: engine absent (../shared/engines/espruino or ESPRUINO=)';
  const engine = 'Espruino';
  const dir = mkdtempSync(join(tmpdir(), 'microtls-espruino-live-'));
  try {
    const bundle = readFileSync(await espruinoBundle(), 'utf8');
    const vars = { PORT: t.sServerPort, PORT_CC: t.clientAuthPort, CA: t.ca, C1024: t.client1024.cert, K1024: t.client1024.key, C2048: t.client2048.cert, K2048: t.client2048.key,
      PONG: pongPort, RUNS: runs, BATCH, RESUME_BATCH, KERNEL_ROUNDS: ESPRUINO_KERNEL_ROUNDS, MODES: DEVICE_MODES.map((m) => m.id), SHAPES: shapes.map((s) => s.flights) };
    // The bundle evaluated from the script file, as the unit probes load it (bench/model/espruino-bundle-costs.ts),
    // not from Storage, which this desktop build reads slowly: the costs and the runs share one loading.
    writeFileSync(join(dir, 'live.js'), `${bundle}\n${Object.entries(vars).map(([k, v]) => `var ${k} = ${JSON.stringify(v)};`).join('\n')}\nvar microtls = (typeof microtls !== 'undefined') ? microtls : module.exports;\n${KERNEL_FUNCTION}${SCRIPT}`);
    const stdout = await runEspruino(bin, dir, 'live.js', 900_000);
    if (!stdout.includes('"finished"')) return `Espruino live check did not finish: ${stdout.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').slice(-800)}`;
    const spans: { end: Run; ms: number }[] = [];
    const kernels: number[] = [];
    for (const line of stdout.split('\n')) {
      const at = line.indexOf('{"');
      if (at < 0 || !/"event":"(run|kernel)"/.test(line)) continue;
      try {
        const r = JSON.parse(line.slice(at)) as Run;
        if (r.event === 'kernel') { if (r.run! > 0) kernels.push(r.us!); } else spans.push({ end: r, ms: r.ms });
      } catch { /* a line the REPL broke */ }
    }
    const rows: EspruinoLiveRow[] = [];
    for (const m of DEVICE_MODES) {
      const mine = spans.filter((s) => s.end.mode === m.id);
      const bad = mine.find((s) => !s.end.ok || (m.id === 'resume') !== !!s.end.resumed);
      const ok = mine.filter((s) => s.end.run! > 0).map((s) => s.ms);
      const heap = heapRange(mine.map((s) => s.end.heap));
      const notes = [...(ok.length > 2 ? [cpuSpread(ok)] : []), ...(heap ? [heap] : [])];
      rows.push({ engine, case: `${caseOf(m.id)}: engine busy`, value: bad ? undefined : median(ok), unit: 'ms',
        ...(bad ? { note: bad.end.ok ? 'not resumed' : String(bad.end.message) } : notes.length ? { note: notes.join('; ') } : {}),
        ...(mine[0]?.end.suite ? { suite: mine[0].end.suite } : {}) });
    }
    const samples: { flights: Flights; ms: number }[] = [];
    shapes.forEach((shape, k) => {
      const mine = spans.filter((s) => s.end.shape === k);
      const bad = mine.find((s) => !s.end.ok);
      const v = bad ? undefined : median(mine.filter((s) => s.end.run! > 0).map((s) => s.ms));
      rows.push({ engine, case: `transport, TCP only (no TLS), ${shape.name}: engine busy`, value: v, unit: 'ms', ...(bad ? { note: String(bad.end.message) } : {}) });
      if (v !== undefined) samples.push({ flights: shape.flights, ms: v });
    });
    rows.push(...transportTermRows(engine, samples));
    if (kernels.length) rows.push({ engine, case: LIVE_KERNEL_CASE, value: median(kernels), unit: 'us' });
    return rows;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** "heap after the runs 21,500-23,900 of 32,768 variables", from the runs' [usage, total] readings. */
export function heapRange(readings: readonly ([number, number] | undefined)[]): string | undefined {
  const got = readings.filter((h): h is [number, number] => Array.isArray(h) && h.length === 2);
  if (!got.length) return undefined;
  const used = got.map((h) => h[0]);
  const totals = [...new Set(got.map((h) => h[1]))].sort((a, b) => a - b);
  const n = (v: number) => v.toLocaleString('en-US');
  return `heap after the runs ${n(Math.min(...used))}-${n(Math.max(...used))} of ${totals.map(n).join(' / ')} variables`;
}

const caseOf = (id: DeviceModeId) => ({
  none: 'handshake, no verification', verify: 'handshake, verification', cc1024: 'handshake, client certificate 1024',
  cc2048: 'handshake, client certificate 2048', resume: 'handshake, ticket resumption',
} as const)[id];
