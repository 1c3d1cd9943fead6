/**
 * Unit costs measured inside the device engines on this machine (../shared/engines or
 * XST= / ESPRUINO=), and a replay timed there, for the cost model and its check:
 *  - xst and node --jitless: bench/model/engine-entry.ts bundled (timed in wall time in xst,
 *    which has no CPU clock, and in CPU time under Node) (the portable core with src/crypto's
 *    BigInt arithmetic; in xst the XS bundle's provider, src/device/xs-provider.ts, under Node
 *    noble's), then the AES128-GCM-SHA256 replay fixture timed inside the engine without the
 *    harness's own work, three replays after each of five probe rounds. The probes are
 *    separate from the replay: the replay is the check, never the calibration.
 *  - Espruino: the core cannot run there until the device bundle exists, so only what the engine
 *    has natively is measured (require('crypto') SHA-1/256/384 per block, AES-ECB per block in
 *    one call), plus the same interpreted kernel as in xst (typed-array loop). Work that would
 *    be interpreted JS in Espruino (GHASH, X.509 parsing, handshake set-up) is costed as xst's
 *    measured cost times the kernel's Espruino/xst ratio -- an estimate. Modular multiplication
 *    is src/crypto's limb backend timed inside Espruino (espruino-limb-entry.ts); if that cannot
 *    run, the figure of ../shared/engines/README.md (a 16-bit-limb Montgomery RSA-2048 public
 *    operation, 17 products, 3.6-3.9 s). With the device bundle built, everything is measured
 *    with it instead (espruino-bundle-costs.ts).
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { UnitCosts } from './profile.js';
import { measureEspruinoBundle } from './espruino-bundle-costs.js';
import { KERNEL_FUNCTION } from './kernel.js';
import { verifyProbeInput } from './verify-probe-input.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
export const FIXTURE = join(root, 'test', 'fixtures', 'replay', 'AES128-GCM-SHA256.json');
/** The handshake the protocol probe replays from a tape: another recording than the checked replay's (the live runs' suite). */
export const GLUE_FIXTURE = join(root, 'test', 'fixtures', 'replay', 'AES256-GCM-SHA384.json');

export function enginePath(name: 'xst' | 'espruino'): string | undefined {
  const env = name === 'xst' ? process.env.XST : process.env.ESPRUINO;
  if (env) return existsSync(env) ? env : undefined;
  // ../shared beside the repository; a git worktree one level deeper finds it one level up.
  return [join(root, '..', 'shared', 'engines', name), join(root, '..', '..', 'shared', 'engines', name)].find((p) => existsSync(p));
}

/** Per unit, microseconds, as engine-entry.ts reports them. */
export interface MeasuredUnits {
  sha1Block: number;
  sha256Block: number;
  sha512Block: number;
  /** Fixed cost of one hash digest, besides its blocks. */
  hashCall: number;
  hashClone: number;
  /** Fixed cost of one HMAC digest, of keying an HMAC context, of copying a keyed one. */
  hmacCall: number;
  hmacKeySetup: number;
  hmacClone: number;
  aesBlock: number;
  ghashBlock: number;
  aesKeySetup: number;
  /** Fixed cost of one AEAD seal or open, besides its blocks. */
  aeadCall: number;
  modMul: Record<string, number>;
  /** Per modular inversion (BigInt blinding pair), per RSA public call besides its products, per private key loaded; by size where keyed. */
  modInverse?: Record<string, number>;
  rsaPublicCall?: number;
  keyImport?: Record<string, number>;
  certificatePerByte: number;
  perHandshake: number;
  /** A reconnect's chain check (verdicts remembered) besides building its verifier and parsing the chain (absent where not probed). */
  verifyCall?: number;
  /** Building that verifier from the CA text alone, which every connection that verifies pays, a resumption too (absent where not probed). */
  verifierBuild?: number;
  /** A check by a verifier without caches, besides a reconnect's check, the CA's parse and digest and the signature's check (absent where not probed). */
  coldVerifyCall?: number;
  /**
   * The protocol code's whole cost per wire byte: a recorded full handshake replayed with every
   * provider answer from a tape (tape-provider.ts), so no crypto runs (absent where not probed).
   * Where present it is the protocol unit, and perHandshake (inside it) is not added again.
   */
  protocolGluePerByte?: number;
  /** Record and handshake-message handling per byte on the wire (absent where not probed). */
  protocolPerByte?: number;
}

export interface EngineMeasurement {
  engine: BundledEngine | 'espruino';
  units: MeasuredUnits;
  /** The interpreted kernel, microseconds per iteration. */
  kernelUs: number;
  /** Replay of the AES128-GCM-SHA256 fixture inside the engine, ms (absent on Espruino). */
  replayMs?: number[];
  /** Wall-timed engines: the share of wall time the engine ran, already applied to the figures. */
  cpuShare?: number;
  notes: string[];
}

/** kernel.ts's loop, microseconds per iteration: timed on the probes' clock where the driver gives one (CPU time under Node), else Date.now(). */
const KERNEL = `
${KERNEL_FUNCTION}
function kernelUs() {
  var w = [];
  var clock = typeof microtlsClock === 'function' ? microtlsClock : function () { return Date.now(); };
  for (var round = 0; round < 5; round++) {
    var n = 0, t0 = clock(), t = t0;
    while (t - t0 < 50 || n === 0) {
      kernel(8);
      n++;
      t = clock();
    }
    w.push((t - t0) * 1000 / (n * 8 * 1024));
  }
  w.sort(function (p, q) { return p - q; });
  return w[2];
}
`;

function run(cmd: string, args: string[], timeoutMs = 120_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd}: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/**
 * Runs an engine under bash and reads its CPU time from `times`: the share of wall time the
 * engine really ran (on a shared machine the neighbours take the rest). Wall-timed figures from
 * inside the engine are multiplied by it, so they are the engine's own cost.
 */
async function runWithCpuShare(cmd: string, args: string[], cwd?: string): Promise<{ stdout: string; cpuShare: number }> {
  const t0 = performance.now();
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = execFile('bash', ['-c', '"$@" </dev/null; times', 'run', cmd, ...args], { timeout: 180_000, maxBuffer: 16 << 20, ...(cwd ? { cwd } : {}) },
      (err, out) => (err && !out.includes('MICROTLS-') ? reject(new Error(`${cmd}: ${err.message}`)) : resolve(out)));
    child.stdin?.end();
  });
  const wall = (performance.now() - t0) / 1000;
  const lines = stdout.trimEnd().split('\n');
  // `times`: the shell's own user/system line, then its children's: "0m1.234s 0m0.056s".
  const kids = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines[lines.length - 1] ?? '');
  const cpu = kids ? Number(kids[1]) * 60 + Number(kids[2]) + Number(kids[3]) * 60 + Number(kids[4]) : NaN;
  const cpuShare = Number.isFinite(cpu) && wall > 0 ? Math.min(1, cpu / wall) : 1;
  return { stdout, cpuShare };
}

const scaleRecord = (r: Record<string, number> | undefined, k: number) => (r ? Object.fromEntries(Object.entries(r).map(([b, v]) => [b, v * k])) : undefined);

function scaleUnits(u: MeasuredUnits, k: number): MeasuredUnits {
  const out = { ...u, modMul: scaleRecord(u.modMul, k)!, ...(u.modInverse ? { modInverse: scaleRecord(u.modInverse, k) } : {}), ...(u.keyImport ? { keyImport: scaleRecord(u.keyImport, k) } : {}) } as MeasuredUnits;
  for (const key of Object.keys(out) as (keyof MeasuredUnits)[]) {
    if (typeof out[key] === 'number') (out as unknown as Record<string, number>)[key] = (out[key] as number) * k;
  }
  return out;
}

async function bundleEntry(): Promise<string> {
  const r = await build({
    entryPoints: [join(here, 'engine-entry.ts')], bundle: true, write: false, format: 'iife', platform: 'neutral', target: 'es2020',
    mainFields: ['module', 'main'], conditions: ['import', 'default'], logLevel: 'silent', legalComments: 'none',
  });
  return r.outputFiles[0]!.text;
}

function leafCertificateHex(fixture: { flow: { dir: string; hex: string }[] }): string {
  // The server's first flight: ServerHello, then Certificate (type 11): 3-byte list length, 3-byte certificate length.
  const hex = fixture.flow.find((x) => x.dir === 'server')!.hex;
  const b = Buffer.from(hex, 'hex');
  let i = 0;
  while (i + 5 < b.length) {
    const len = b.readUInt16BE(i + 3);
    let j = i + 5;
    while (j < i + 5 + len) {
      const type = b[j]!;
      const mlen = b.readUIntBE(j + 1, 3);
      if (type === 11) {
        const clen = b.readUIntBE(j + 7, 3);
        return b.subarray(j + 10, j + 10 + clen).toString('hex');
      }
      j += 4 + mlen;
    }
    i += 5 + len;
  }
  throw new Error('no Certificate message in the fixture');
}

/** xsnap's CPU time so far, ms (its one thread: /proc/PID/schedstat). */
function processCpuMs(pid: number | undefined): number {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return NaN;
  }
}

/**
 * The probes and the replay inside xsnap (XS 13.3 from @agoric/xsnap, the engine the engines
 * bench runs the XS bundle in live), wall-timed with performance.now() and multiplied by the
 * share of the wall time xsnap ran (its CPU time from /proc/PID/schedstat over the wall time).
 */
async function runInXsnap(text: string): Promise<{ stdout: string; cpuShare: number } | undefined> {
  const { findXsnap } = await import('../../test/helpers/engines.js');
  const { XsnapWorker } = await import('../../test/helpers/xsnap.js');
  const bin = findXsnap().path;
  if (!bin) return undefined;
  let stdout = '';
  const worker = new XsnapWorker(bin, (q) => {
    stdout += `${new TextDecoder().decode(q)}\n`;
    return new Uint8Array(0);
  });
  try {
    const c0 = processCpuMs(worker.pid);
    const t0 = performance.now();
    await worker.evaluate(text);
    const share = (processCpuMs(worker.pid) - c0) / (performance.now() - t0);
    return { stdout, cpuShare: Number.isFinite(share) && share > 0 ? Math.min(1, share) : 1 };
  } finally {
    await worker.close();
  }
}

/**
 * `node --jitless (XS provider)`: the same probes under --jitless with the XS bundle's provider,
 * the one the engines bench's live --jitless runs use (plain `node --jitless` uses noble's, as the
 * handshake section's microtls rows do).
 */
export type BundledEngine = 'xst' | 'xsnap' | 'node --jitless' | 'node --jitless (XS provider)';

export async function measureBundled(engine: BundledEngine): Promise<EngineMeasurement | undefined> {
  const xst = enginePath('xst');
  if (engine === 'xst' && !xst) return undefined;
  const fixtureText = readFileSync(FIXTURE, 'utf8');
  const cert = leafCertificateHex(JSON.parse(fixtureText));
  const flight = (JSON.parse(fixtureText) as { flow: { dir: string; hex: string }[] }).flow.find((x) => x.dir === 'server')!.hex;
  // Client keys of the live runs' sizes, for the key-loading and first-use probes.
  const keys = [1024, 2048].map((bits) => generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const verify = JSON.stringify(verifyProbeInput());
  const driver = `
${KERNEL}
(function () {
  // Unit probes and replays alternate, five times, so both see the same background load on a
  // shared machine; each unit cost is the median of its five measurements.
  var fixture = ${JSON.stringify(fixtureText)};
  var sets = [], kernels = [], replays = [], glues = [];
  var glueFixture = ${JSON.stringify(readFileSync(GLUE_FIXTURE, 'utf8'))};
  for (var round = 0; round < 5; round++) {
    glues.push(JSON.parse(microtlsProtocolGlue(glueFixture)).perByteUs);
    sets.push(JSON.parse(microtlsUnitCosts(${JSON.stringify(cert)}, ${JSON.stringify(flight)}, ${JSON.stringify(keys)}, ${JSON.stringify(verify)})));
    kernels.push(kernelUs());
    replays.push.apply(replays, JSON.parse(microtlsTimedReplay(fixture, 3)));
  }
  function med(xs) { xs = xs.slice().sort(function (a, b) { return a - b; }); return xs[(xs.length - 1) >> 1]; }
  var units = {};
  for (var k in sets[0]) {
    if (typeof sets[0][k] === 'number') units[k] = med(sets.map(function (s) { return s[k]; }));
    else {
      units[k] = {};
      for (var b in sets[0][k]) units[k][b] = med(sets.map(function (s) { return s[k][b]; }));
    }
  }
  units.protocolGluePerByte = med(glues);
  var out = { units: units, kernelUs: med(kernels), replayMs: replays };
  print('MICROTLS-COSTS ' + JSON.stringify(out));
})();
`;
  const dir = mkdtempSync(join(tmpdir(), 'microtls-costs-'));
  try {
    const file = join(dir, 'costs.js');
    // Under Node the probes and replays are timed in this process's CPU time (user + system):
    // on a shared machine, wall time also holds the time the neighbours took the CPU.
    const prelude = engine.startsWith('node --jitless')
      ? `globalThis.print = console.log;\nglobalThis.microtlsClock = function () { var u = process.cpuUsage(); return (u.user + u.system) / 1000; };\n${engine === 'node --jitless' ? '' : 'globalThis.microtlsProvider = "xs";\n'}`
      : engine === 'xsnap'
        ? 'globalThis.print = function (s) { issueCommand(new TextEncoder().encode(s).buffer); };\nglobalThis.microtlsClock = function () { return performance.now(); };\nglobalThis.microtlsProvider = "xs";\n'
        : 'globalThis.microtlsProvider = "xs";\n';
    const text = prelude + (await bundleEntry()) + driver;
    writeFileSync(file, text);
    if (engine.startsWith('node --jitless')) {
      const stdout = await run(process.execPath, ['--jitless', file]);
      const line = stdout.split('\n').find((l) => l.startsWith('MICROTLS-COSTS '));
      if (!line) throw new Error(`${engine}: no result\n${stdout.slice(-2000)}`);
      const r = JSON.parse(line.slice('MICROTLS-COSTS '.length)) as { units: MeasuredUnits; kernelUs: number; replayMs: number[] };
      return { engine, ...r, notes: ['timed in CPU time (process.cpuUsage)'] };
    }
    const ran = engine === 'xsnap' ? await runInXsnap(text) : await runWithCpuShare(xst!, [file]);
    if (!ran) return undefined;
    const { stdout, cpuShare } = ran;
    const line = stdout.split('\n').find((l) => l.startsWith('MICROTLS-COSTS '));
    if (!line) throw new Error(`${engine}: no result\n${stdout.slice(-2000)}`);
    const r = JSON.parse(line.slice('MICROTLS-COSTS '.length)) as { units: MeasuredUnits; kernelUs: number; replayMs: number[] };
    return {
      engine, units: scaleUnits(r.units, cpuShare), kernelUs: r.kernelUs * cpuShare, replayMs: r.replayMs.map((v) => v * cpuShare), cpuShare,
      notes: [`timed in wall time inside ${engine}, times the share of the wall time it ran (${(cpuShare * 100).toFixed(0)}%, from its CPU time)`],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ESPRUINO_SCRIPT = `
${KERNEL}
function perUnit(fn, units) {
  fn();
  var w = [];
  for (var round = 0; round < 5; round++) {
    var n = 0, t0 = Date.now(), t = t0;
    while (t - t0 < 50 || n === 0) { fn(); n++; t = Date.now(); }
    w.push((t - t0) * 1000 / (n * units));
  }
  w.sort(function (p, q) { return p - q; });
  return w[2];
}
var c = require('crypto');
var data = new Uint8Array(16384), key = new Uint8Array(16);
for (var i = 0; i < data.length; i++) data[i] = (i * 7) & 255;
var one = new Uint8Array(16);
var r = {
  sha1Block: perUnit(function () { c.SHA1(data); }, 257),
  sha256Block: perUnit(function () { c.SHA256(data); }, 257),
  sha512Block: perUnit(function () { c.SHA384(data); }, 129),
  aesBlockBatched: perUnit(function () { c.AES.encrypt(data, key, { mode: 'ECB' }); }, 1024),
  aesCall: perUnit(function () { c.AES.encrypt(one, key, { mode: 'ECB' }); }, 1),
  hashCall: perUnit(function () { c.SHA256(one); }, 1),
  kernelUs: kernelUs()
};
print('MICROTLS-COSTS ' + JSON.stringify(r));
quit();
`;

/** The Espruino README's figure for one 2048-bit modular product: 3.6-3.9 s / 17 (the fallback when the limb probe fails). */
const ESPRUINO_MODMUL_2048_US = (3.75e6 / 17);

/**
 * Microseconds per modular product of src/crypto's limb backend inside Espruino (1024 and 2048
 * bits; bench/model/espruino-limb-entry.ts, bundled as the backend benchmark bundles it), times
 * the engine's CPU share; undefined with the reason when it cannot run.
 */
async function measureEspruinoLimb(esp: string): Promise<{ us: Record<string, number> } | { error: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'microtls-limb-'));
  try {
    const { bundleForEngine } = await import('../../test/helpers/engines.js');
    const { smallErrorsPlugin } = await import('../crypto-backends.js');
    const text = await bundleForEngine(join(here, 'espruino-limb-entry.ts'), [smallErrorsPlugin()], false);
    const moduli = [1024, 2048].map((bits) => {
      const jwk = generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' }) as { n: string };
      const n = Buffer.from(jwk.n, 'base64url').toString('hex');
      // A base below the modulus with both ends set.
      return { bits, n, x: `00${n.slice(2, -2)}01` };
    });
    const file = join(dir, 'limb.js');
    writeFileSync(file, `var LIMB = ${JSON.stringify({ moduli })};\n${text}\nquit();\n`);
    const { stdout, cpuShare } = await runWithCpuShare(esp, [file], dir);
    const line = stdout.split('\n').find((l) => l.startsWith('MICROTLS-LIMB '));
    if (!line) return { error: stdout.split('\n').find((l) => /Uncaught|ASSERT/.test(l))?.trim() ?? 'no result' };
    const us = JSON.parse(line.slice('MICROTLS-LIMB '.length)) as Record<string, number>;
    return { us: Object.fromEntries(Object.entries(us).map(([k, v]) => [k, v * cpuShare])) };
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0]! };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureEspruino(xstUnits: MeasuredUnits | undefined, xstKernelUs: number | undefined): Promise<EngineMeasurement | undefined> {
  const esp = enginePath('espruino');
  if (!esp) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'microtls-espruino-'));
  let e: Record<string, number>;
  let share = 1;
  try {
    const file = join(dir, 'costs.js');
    writeFileSync(file, ESPRUINO_SCRIPT);
    const { stdout, cpuShare } = await runWithCpuShare(esp, [file], dir);
    share = cpuShare;
    const line = stdout.split('\n').find((l) => l.startsWith('MICROTLS-COSTS '));
    if (!line) throw new Error(`espruino: no result\n${stdout.slice(-2000)}`);
    e = Object.fromEntries(Object.entries(JSON.parse(line.slice('MICROTLS-COSTS '.length)) as Record<string, number>).map(([k, v]) => [k, v * cpuShare]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ratio = xstKernelUs ? e.kernelUs! / xstKernelUs : NaN;
  const interp = (v: number | undefined) => (v !== undefined && Number.isFinite(ratio) ? v * ratio : NaN);
  let modMul: Record<string, number> = {};
  for (const bits of [512, 1024, 2048, 4096]) modMul[String(bits)] = ESPRUINO_MODMUL_2048_US * (bits / 2048) ** 2;
  const limb = await measureEspruinoLimb(esp);
  const modMulNote = 'us' in limb
    ? 'modular multiplication: the limb backend (E.convolve products) measured in Espruino at 1024 and 2048 bits, 512 and 4096 scaled quadratically'
    : `modular multiplication: 16-bit-limb Montgomery figure from ../shared/engines/README.md (an estimate: the limb probe did not run: ${limb.error})`;
  if ('us' in limb) {
    const m1 = limb.us['1024']!;
    const m2 = limb.us['2048']!;
    modMul = { '512': m1 / 4, '1024': m1, '2048': m2, '4096': m2 * 4 };
  }
  const units: MeasuredUnits = {
    sha1Block: e.sha1Block!,
    sha256Block: e.sha256Block!,
    sha512Block: e.sha512Block!,
    // The native call alone; the provider's JS around it is not measured without the bundle.
    hashCall: e.hashCall!,
    // The provider's JS around the natives (state copies, HMAC, the AEAD's glue): estimates.
    hashClone: interp(xstUnits?.hashClone),
    hmacCall: interp(xstUnits?.hmacCall),
    hmacKeySetup: interp(xstUnits?.hmacKeySetup),
    hmacClone: interp(xstUnits?.hmacClone),
    aesBlock: e.aesBlockBatched! + e.aesCall! / 16,
    ghashBlock: interp(xstUnits?.ghashBlock),
    aesKeySetup: e.aesCall!,
    aeadCall: interp(xstUnits?.aeadCall),
    modMul,
    certificatePerByte: interp(xstUnits?.certificatePerByte),
    perHandshake: interp(xstUnits?.perHandshake),
  };
  const notes: string[] = [];
  const fixtureText = readFileSync(FIXTURE, 'utf8');
  const fromBundle = await measureEspruinoBundle(esp, fixtureText, leafCertificateHex(JSON.parse(fixtureText)), readFileSync(GLUE_FIXTURE, 'utf8'));
  let replayMs: number[] | undefined;
  // The bundle's probes and replay are already in that process's CPU time (espruino-bundle-costs.ts).
  const b = fromBundle?.units;
  if (b) {
    // What the device bundle runs, measured, replaces the estimates above figure by figure.
    const replaced: string[] = [];
    for (const k of ['sha1Block', 'sha256Block', 'sha512Block', 'hashCall', 'hashClone', 'hmacCall', 'hmacKeySetup', 'hmacClone', 'aesBlock', 'ghashBlock', 'aesKeySetup', 'aeadCall', 'certificatePerByte', 'perHandshake', 'verifyCall', 'verifierBuild', 'coldVerifyCall'] as const) {
      if (b[k] !== undefined) {
        units[k] = b[k]!;
        replaced.push(k);
      }
    }
    const m2 = b.modMul2048;
    const m1 = b.modMul1024 ?? (m2 !== undefined ? m2 / 4 : undefined);
    const m05 = b.modMul512 ?? (m1 !== undefined ? m1 / 4 : undefined);
    if (m2 !== undefined && m1 !== undefined && m05 !== undefined) {
      units.modMul = { '512': m05, '1024': m1, '2048': m2, '4096': m2 * 4 };
      replaced.push(`modular multiplication (512${b.modMul512 === undefined ? ' scaled' : ''}, 1024, 2048 measured; 4096 scaled quadratically)`);
    }
    if (b.rsaPublicCall !== undefined) units.rsaPublicCall = b.rsaPublicCall;
    if (b.keyImport1024 !== undefined && b.keyImport2048 !== undefined) {
      units.keyImport = { '1024': b.keyImport1024, '2048': b.keyImport2048 };
      replaced.push('RSA public call, private key loading');
    }
    // The protocol code alone, from the tape replay (glue-tape.ts): the protocol unit where it ran.
    if (b.protocolGluePerByte !== undefined) {
      units.protocolGluePerByte = b.protocolGluePerByte;
      replaced.push('protocol code per wire byte (a recorded handshake replayed from a tape)');
    }
    notes.push(`measured with the device bundle (dist/device/microtls.espruino.js: Espruino provider, limb backend): ${replaced.join(', ')}`);
    // The bundle does not export the record layer: its per-byte figure is xst's, scaled by the two
    // engines' ratio on the ClientHello probe (the same code measured in both), an estimate.
    if (xstUnits?.protocolPerByte !== undefined && b.perHandshake !== undefined && xstUnits.perHandshake > 0) {
      units.protocolPerByte = xstUnits.protocolPerByte * (b.perHandshake / xstUnits.perHandshake);
      notes.push(`record and message handling per byte: xst's x ${(b.perHandshake / xstUnits.perHandshake).toFixed(1)} (Espruino/xst on the ClientHello probe; estimate)`);
    }
    if (!replaced.includes('perHandshake')) notes.push('the figures the bundle probes did not reach keep the estimates: ' + ['hashClone', 'hmacCall', 'hmacKeySetup', 'hmacClone', 'ghashBlock', 'aeadCall', 'certificatePerByte', 'perHandshake'].filter((k) => !replaced.includes(k)).join(', '));
  } else {
    notes.push(
      `native require('crypto'): one call costs ${e.hashCall!.toFixed(1)} us (hash) / ${e.aesCall!.toFixed(1)} us (AES) besides the blocks`,
      `interpreted work (GHASH, X.509, handshake set-up) = xst's measured cost x ${ratio.toFixed(1)} (Espruino/xst on the same loop; estimate)`,
      modMulNote,
    );
  }
  if (fromBundle) {
    notes.push(...fromBundle.notes);
    replayMs = fromBundle.replayMs;
  } else {
    notes.push('no device bundle (npm run build:device): the core was not run in Espruino');
  }
  notes.push(fromBundle?.units
    ? `the device bundle's probes and replay timed in the Espruino process's own CPU time (/proc/self/stat); the native probes in wall time inside Espruino, times the share of the wall time it ran (${(share * 100).toFixed(0)}%)`
    : `timed in wall time inside Espruino, times the share of the wall time it ran (${(share * 100).toFixed(0)}%, from its CPU time)`);
  // The reference loop timed among the bundle's probes, on their clock, where they got that far (the live check's speed reference).
  const kernel = b?.kernelUs ?? e.kernelUs!;
  return { engine: 'espruino', kernelUs: kernel, units, ...(replayMs ? { replayMs } : {}), cpuShare: share, notes };
}

/** Unit costs of a measured engine as a profile's costs (software only: these are what the engine does). */
export function unitCostsFrom(m: MeasuredUnits, scale = 1): UnitCosts {
  const s = (v: number) => v / scale;
  return {
    sha1Block: { software: s(m.sha1Block) },
    sha256Block: { software: s(m.sha256Block) },
    sha512Block: { software: s(m.sha512Block) },
    hashCall: s(m.hashCall),
    hashClone: s(m.hashClone),
    hmacCall: s(m.hmacCall),
    hmacKeySetup: s(m.hmacKeySetup),
    hmacClone: s(m.hmacClone),
    aesBlock: { software: s(m.aesBlock) },
    aesKeySetup: s(m.aesKeySetup),
    aeadCall: s(m.aeadCall),
    ghashBlock: s(m.ghashBlock),
    modMul: Object.fromEntries(Object.entries(m.modMul).map(([k, v]) => [k, s(v)])),
    ...(m.modInverse ? { modInverse: Object.fromEntries(Object.entries(m.modInverse).map(([k, v]) => [k, s(v)])) } : {}),
    ...(m.rsaPublicCall !== undefined ? { rsaPublicCall: s(m.rsaPublicCall) } : {}),
    ...(m.keyImport ? { keyImport: Object.fromEntries(Object.entries(m.keyImport).map(([k, v]) => [k, s(v)])) } : {}),
    ...(m.verifyCall !== undefined ? { verifyCall: s(m.verifyCall) } : {}),
    ...(m.verifierBuild !== undefined ? { verifierBuild: s(m.verifierBuild) } : {}),
    ...(m.coldVerifyCall !== undefined ? { coldVerifyCall: s(m.coldVerifyCall) } : {}),
    protocolPerByte: s(m.protocolGluePerByte ?? m.protocolPerByte ?? 0),
    certificatePerByte: s(m.certificatePerByte),
    perHandshake: m.protocolGluePerByte !== undefined ? 0 : s(m.perHandshake),
  };
}

/**
 * Two measurements of one engine, taken just before and just after the runs they predict (the
 * engines bench brackets each engine's live handshakes with them), as one: each unit cost the mean
 * of the two, the replays of both. On a shared machine the load drifts over minutes, and a unit
 * cost measured at another time than the run it predicts carries that drift into the check.
 */
export function bracketed(before: EngineMeasurement | undefined, after: EngineMeasurement | undefined): EngineMeasurement | undefined {
  if (!before || !after) return before ?? after;
  const mean = (a: unknown, b: unknown): unknown => {
    if (typeof a === 'number' && typeof b === 'number') return (a + b) / 2;
    if (a && b && typeof a === 'object' && typeof b === 'object') {
      const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
      return Object.fromEntries([...keys].map((k) => [k, mean((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])]));
    }
    return a ?? b;
  };
  return {
    engine: before.engine,
    units: mean(before.units, after.units) as MeasuredUnits,
    kernelUs: (before.kernelUs + after.kernelUs) / 2,
    ...(before.replayMs || after.replayMs ? { replayMs: [...(before.replayMs ?? []), ...(after.replayMs ?? []).slice(1)] } : {}),
    ...(before.cpuShare !== undefined && after.cpuShare !== undefined ? { cpuShare: (before.cpuShare + after.cpuShare) / 2 } : {}),
    notes: [...new Set([...before.notes, ...after.notes]), 'unit costs: the mean of probes run just before and just after the live runs they predict'],
  };
}
