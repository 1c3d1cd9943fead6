/**
 * Unit costs and a replay measured inside Espruino with the device bundle
 * (dist/device/microtls.espruino.js, from `npm run build:device`), when it has been built:
 * what the bundle really runs -- the Espruino provider (native one-shot SHA and AES, GHASH and
 * HMAC in JS) and the limb big-integer backend. Probes and the replay run in separate Espruino
 * processes with a timeout each, so an engine fault in one leaves the other's figures.
 * Espruino's syntax limits apply to the driver text below: ES5, functions declared before use.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordGlueTape } from './glue-tape.js';
import { ESPRUINO_KERNEL_ROUNDS, KERNEL_FUNCTION } from './kernel.js';
import { verifyProbeInput } from './verify-probe-input.js';

export const ESPRUINO_BUNDLE = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '..', '..', 'dist', 'device', 'microtls.espruino.js');

const COMMON = `
var m = (typeof microtls !== 'undefined') ? microtls : module.exports;
var p = m.getDefaultProvider();
function hexBytes(s) { var b = new Uint8Array(s.length / 2); for (var i = 0; i < b.length; i++) b[i] = parseInt(s.substr(i * 2, 2), 16); return b; }
function fixedRandom(n) { var b = new Uint8Array(n); b.fill(7); return b; }
// This process's CPU time from /proc/self/stat (utime + stime, 10 ms ticks): the machine is
// shared, and wall time inside the engine also holds the time the neighbours ran.
var fs = require('fs');
function cpuMs() {
  try {
    var f = String(fs.readFileSync('/proc/self/stat'));
    f = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch (e) { return NaN; }
}
// The median of five windows of at least minMs of this process's CPU time (so each window is
// read to +-10 ms ticks: minMs 100 keeps that near 10%). The clock is read every k calls, k
// being about 10 ms of calls, so reading /proc costs little beside the work.
function perUnit(fn, units, minMs) {
  fn();
  var k = 0, t0 = Date.now();
  while (Date.now() - t0 < 10 || k === 0) { fn(); k++; }
  var w = [];
  for (var round = 0; round < 5; round++) {
    var n = 0, c0 = cpuMs(), c = c0;
    if (!(c0 >= 0)) { var s0 = Date.now(); while (Date.now() - s0 < minMs || n === 0) { fn(); n++; } w.push((Date.now() - s0) * 1000 / (n * units)); continue; }
    while (c - c0 < minMs) { for (var j = 0; j < k; j++) fn(); n += k; c = cpuMs(); }
    w.push((c - c0) * 1000 / (n * units));
  }
  w.sort(function (a, b) { return a - b; });
  return w[2];
}
`;

const PROBES = `
var data = new Uint8Array(4096);
for (var i = 0; i < data.length; i++) data[i] = (i * 7) & 255;
var key = new Uint8Array(16), nonce = new Uint8Array(12), aad = new Uint8Array(13);
var m119 = data.subarray(0, 119), m239 = data.subarray(0, 239), one = data.subarray(0, 16);
// One line per figure as soon as it is known: an engine fault in a later probe keeps the earlier ones.
function report(name, v) { print('MICROTLS-UNIT ' + name + ' ' + v); }
// Per digest and per block, from two sizes (119 bytes: 2 blocks, 4096: 65; SHA-384 239: 2, 4096: 33).
function split(alg, small, smallBlocks, bigBlocks) {
  var t1 = perUnit(function () { p.hash(alg).update(small).digest(); }, 1, 100);
  var t2 = perUnit(function () { p.hash(alg).update(data).digest(); }, 1, 100);
  var block = Math.max(0, (t2 - t1) / (bigBlocks - smallBlocks));
  return { block: block, call: Math.max(0, t1 - smallBlocks * block) };
}
// The machine-speed reference (kernel.ts) on this script's clock, at the start and the end of the
// probes, as the live check runs it between its handshakes (ESPRUINO_KERNEL_ROUNDS at a time).
function kernelRun() { kernel(KERNEL_ROUNDS); }
var kernelFirst = perUnit(kernelRun, KERNEL_ROUNDS * 1024, 100);
var s256 = split('sha256', m119, 2, 65);
report('sha1Block', split('sha1', m119, 2, 65).block);
report('sha256Block', s256.block);
report('hashCall', s256.call);
report('sha512Block', split('sha384', m239, 2, 33).block);
var running = p.hash('sha256').update(data.subarray(0, 100));
report('hashClone', perUnit(function () { running.clone(); }, 1, 100));
// HMAC as the PRF runs it (engine-entry.ts): keyed once, copied per HMAC. On a buffered hash
// the blocks are paid at digest: a 32-byte HMAC hashes 64 + 32 bytes inside, 64 + 32 outside.
var secret = data.subarray(200, 248), m32 = data.subarray(0, 32);
var keyed = perUnit(function () { p.hmac('sha256', secret); }, 1, 100);
report('hmacKeySetup', keyed);
var template = p.hmac('sha256', secret);
var hmacClone = template.clone ? perUnit(function () { template.clone(); }, 1, 100) : 0;
report('hmacClone', hmacClone);
var hmacOne = template.clone ? perUnit(function () { template.clone().update(m32).digest(); }, 1, 100) - hmacClone
  : perUnit(function () { p.hmac('sha256', secret).update(m32).digest(); }, 1, 100) - keyed;
report('hmacCall', Math.max(0, hmacOne - 4 * s256.block));
var blk = p.aesBlock(key);
var aesBlock = perUnit(function () { blk.encryptBlock(one); }, 1, 100);
report('aesBlock', aesBlock);
var gcm = p.aesGcm(key);
var d1024 = data.subarray(0, 1024);
// Two sizes, as engine-entry.ts: 16 bytes (2 AES blocks, 3 GHASH), 1024 bytes (63 of each more).
var seal16 = perUnit(function () { gcm.seal(nonce, one, aad); }, 1, 100);
var seal1024 = perUnit(function () { gcm.seal(nonce, d1024, aad); }, 1, 100);
var ghashBlock = Math.max(0, (seal1024 - seal16) / 63 - aesBlock);
report('ghashBlock', ghashBlock);
report('aeadCall', Math.max(0, seal16 - 2 * aesBlock - 3 * ghashBlock));
report('aesKeySetup', perUnit(function () { p.aesGcm(key); }, 1, 100));
// Products from two public exponents (engine-entry.ts): e = 3 (2 products, and the conversions
// into and out of Montgomery form, 2 more) and e = 2^63 + 1 (64 products): the difference is 62
// products without the call's fixed work (padding, conversions), which e = 3's time less its 4
// products gives. Each size measured: E.convolve's calls, not its products, set the cost of small
// operands, so a 1024-bit figure scaled down to 512 bits would be a quarter of the truth.
var premaster = new Uint8Array(48), e3 = new Uint8Array([3]), e64 = new Uint8Array([128, 0, 0, 0, 0, 0, 0, 1]);
function pubKey(hex, e) { var n = hexBytes(hex); return { type: 'rsa', modulus: n, publicExponent: e, bits: n.length * 8 }; }
for (var mi = 0; mi < MODULI.length; mi++) {
  var k3 = pubKey(MODULI[mi], e3), k64 = pubKey(MODULI[mi], e64);
  var t3 = perUnit(function () { m.rsaEncryptPkcs1v15(k3, premaster, fixedRandom); }, 1, 100);
  var t64 = perUnit(function () { m.rsaEncryptPkcs1v15(k64, premaster, fixedRandom); }, 1, 100);
  var mul = Math.max(0, (t64 - t3) / 62);
  report('modMul' + k3.bits, mul);
  if (k3.bits === 2048) report('rsaPublicCall', Math.max(0, t3 - 4 * mul));
}
// Loading a private key as connect({ cert, key }) does per connection: PEM, DER, the consistency check.
report('keyImport1024', perUnit(function () { m.importPrivateKey(KEY1024); }, 1, 100));
report('keyImport2048', perUnit(function () { m.importPrivateKey(KEY2048); }, 1, 100));
var der = hexBytes(CERT);
report('certificatePerByte', perUnit(function () { m.parseCertificate(der); }, der.length, 100));
report('perHandshake', perUnit(function () {
  var c = new m.TlsClient({ verify: false, serverName: 'localhost', provider: p, random: fixedRandom, now: function () { return 1767225600000; } },
    { output: function () {}, handshake: function () {}, data: function () {}, close: function () {}, error: function () {} });
  c.start();
}, 1, 100));
// A reconnect's verification in two units, the verifier's build from the CA text and the chain check less that build and the chain's parsing (engine-entry.ts verifyProbe).
var vp = JSON.parse(VERIFY);
function verifier() { return m.createServerVerifier({ ca: vp.ca, clock: { now: function () { return new Date(); } }, provider: p }); }
var vctx = { chain: vp.chain.map(hexBytes), serverName: vp.serverName };
if (verifier()(vctx).ok) {
  var warm = perUnit(function () { verifier()(vctx); }, 1, 100);
  var parse = perUnit(function () { for (var ci = 0; ci < vctx.chain.length; ci++) m.parseCertificate(vctx.chain[ci]); }, 1, 100);
  // The build alone is its own unit: a resumption pays it and checks no chain.
  var vbuild = perUnit(function () { verifier(); }, 1, 100);
  report('verifierBuild', vbuild);
  report('verifyCall', Math.max(0, warm - parse - vbuild));
  // A verifier without caches, besides a reconnect's check, the CA's parse, the signature's check and the CA's digest (engine-entry.ts coldVerifyProbe).
  var full = m.completeProvider(p);
  var checkCold = function () { return m.createChainVerifier({ trusted: vp.ca, cache: false, clock: { now: function () { return new Date(); } }, provider: full, usage: 'serverAuth' })(vctx); };
  if (checkCold().ok) {
    var caDer = m.decodePem(vp.ca)[0].der, caCert = m.parseCertificate(caDer), leafCert = m.parseCertificate(vctx.chain[0]);
    // Longer windows: the unit is a difference of figures ten times its size, each read in 10 ms ticks.
    var cold = perUnit(checkCold, 1, 400);
    var parseCa = perUnit(function () { m.parseCertificate(caDer); }, 1, 100);
    var sigCheck = perUnit(function () { m.verifySignature(full, caCert.publicKey, leafCert.signatureAlgorithm.hash, leafCert.tbs, leafCert.signature); }, 1, 400);
    var caDigest = perUnit(function () { m.digest(full, 'sha256', caDer); }, 1, 100);
    report('coldVerifyCall', Math.max(0, cold - warm - parseCa - sigCheck - caDigest));
  }
}
// The protocol code alone (engine-entry.ts's glue probe): a recorded handshake whose every
// provider answer and random byte comes from a tape recorded under Node (glue-tape.ts).
var G = JSON.parse(GLUE);
var gAnswers = G.answers.map(hexBytes), gRandoms = G.randoms.map(hexBytes), gServer = G.server.map(hexBytes);
function tapePlayer() {
  var at = 0;
  function next() { var b = gAnswers[at++]; if (!b) throw new Error('the tape ran out'); return new Uint8Array(b); }
  function ctx() { var w = { update: function () { return w; }, digest: next, clone: ctx }; return w; }
  function aead(t) { return { tagLength: t, seal: next, open: next }; }
  return { name: 'tape', hash: ctx, hmac: ctx, aesBlock: function () { return { encryptBlock: next }; },
    aesCbc: function () { return { encrypt: next, decrypt: next }; }, aesGcm: function () { return aead(16); },
    aesCcm: function (k, t) { return aead(t); }, randomBytes: next, rsaPublic: next };
}
function glueOnce() {
  var ri = 0, st = { closed: false, err: undefined }, got = 0, msg = E.toUint8Array(G.message);
  var c = new m.TlsClient({ verify: false, serverName: G.serverName, cipherSuites: [G.suite], provider: tapePlayer(),
    random: function (n) { return gRandoms[ri++].subarray(0, n); }, now: function () { return G.now; } }, {
    output: function () {}, handshake: function () { c.write(msg); },
    data: function (d) { got += d.length; if (got === msg.length) c.close(); },
    close: function () { st.closed = true; }, error: function (e) { st.err = e; }
  });
  c.start();
  for (var gi = 0; gi < gServer.length; gi++) c.receive(new Uint8Array(gServer[gi]));
  return st;
}
report('kernelUs', (kernelFirst + perUnit(kernelRun, KERNEL_ROUNDS * 1024, 100)) / 2);
var g1 = glueOnce();
if (g1.err || !g1.closed) print('MICROTLS-GLUE-FAILED ' + (g1.err ? g1.err.codeName + ': ' + g1.err.message : 'no close'));
else report('protocolGluePerByte', perUnit(glueOnce, G.bytes, 100));
// The heap the probes ran in, without a collection, beside the live runs' (espruino-live.ts).
var heapNow = process.memory(false);
print('MICROTLS-HEAP ' + heapNow.usage + ' ' + heapNow.total);
print('MICROTLS-DONE');
quit();
`;

const REPLAY = `
function seeded(seed) {
  var s = E.toUint8Array(seed), counter = 0, pool = new Uint8Array(0);
  return function (n) {
    var out = new Uint8Array(n), filled = 0;
    while (filled < n) {
      if (pool.length === 0) {
        var block = new Uint8Array(s.length + 4);
        block.set(s);
        block[s.length] = (counter >>> 24) & 255; block[s.length + 1] = (counter >>> 16) & 255;
        block[s.length + 2] = (counter >>> 8) & 255; block[s.length + 3] = counter & 255;
        counter++;
        pool = new Uint8Array(require('crypto').SHA256(block));
      }
      var take = Math.min(pool.length, n - filled);
      out.set(pool.subarray(0, take), filled);
      pool = pool.subarray(take);
      filled += take;
    }
    return out;
  };
}
// The same seeded random as the recording (test/helpers/seeded-random.ts), so the server's bytes fit.
function replayOnce(f, server) {
  var st = { done: false, err: undefined, received: '', closed: false };
  var c;
  c = new m.TlsClient({ verify: false, serverName: f.serverName, cipherSuites: [f.suite], provider: p, random: seeded(f.seed), now: function () { return f.now; } }, {
    output: function () {},
    handshake: function () { st.done = true; c.write(E.toUint8Array(f.message)); },
    data: function (d) { st.received += E.toString(d); if (st.received === f.message) c.close(); },
    close: function () { st.closed = true; },
    error: function (e) { st.err = e; }
  });
  var t0 = cpuMs();
  c.start();
  for (var i = 0; i < server.length; i++) c.receive(server[i]);
  st.ms = cpuMs() - t0;
  return st;
}
var fixture = JSON.parse(FIXTURE);
var server = fixture.flow.filter(function (x) { return x.dir === 'server'; }).map(function (x) { return hexBytes(x.hex); });
var times = [];
for (var k = 0; k < 6; k++) {
  var r = replayOnce(fixture, server.map(function (x) { return new Uint8Array(x); }));
  if (r.err || !r.closed) { print('MICROTLS-REPLAY-FAILED ' + (r.err ? r.err.codeName + ': ' + r.err.message : 'no close')); quit(); }
  times.push(r.ms);
}
print('MICROTLS-REPLAY ' + JSON.stringify(times));
quit();
`;

/** Runs a script; stops the engine soon after it reports a fault (an engine assertion otherwise dumps its heap until the timeout). */
function runEspruino(espruino: string, text: string, timeoutMs: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'microtls-espruino-'));
  const file = join(dir, 'run.js');
  writeFileSync(file, text);
  return new Promise<string>((resolve) => {
    // cwd: Espruino keeps its emulated flash in the working directory.
    const child = spawn(espruino, [file], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const stop = () => child.kill('SIGKILL');
    const timer = setTimeout(stop, timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      if (out.length < 1 << 20) out += d.toString('latin1');
      if (/ASSERT\(|Uncaught |MICROTLS-DONE|MICROTLS-REPLAY/.test(out)) setTimeout(stop, 200);
    });
    child.on('close', () => {
      clearTimeout(timer);
      rmSync(dir, { recursive: true, force: true });
      resolve(out);
    });
  });
}

export interface EspruinoBundleCosts {
  /** Microseconds per unit, as far as the probes got (modMul512/1024/2048 for the products, rsaPublicCall, keyImport1024/2048, kernelUs per loop iteration). */
  units?: Record<string, number>;
  replayMs?: number[];
  notes: string[];
}

export async function measureEspruinoBundle(espruino: string, fixtureText: string, certHex: string, glueFixtureText: string): Promise<EspruinoBundleCosts | undefined> {
  if (!existsSync(ESPRUINO_BUNDLE)) return undefined;
  const bundle = readFileSync(ESPRUINO_BUNDLE, 'utf8');
  const pair = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits });
  const modulusHex = (bits: number) => Buffer.from((pair(bits).publicKey.export({ format: 'jwk' }) as { n: string }).n, 'base64url').toString('hex');
  const keyPem = (bits: number) => pair(bits).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const data = `var MODULI = ${JSON.stringify([512, 1024, 2048].map(modulusHex))};\nvar KEY1024 = ${JSON.stringify(keyPem(1024))};\nvar KEY2048 = ${JSON.stringify(keyPem(2048))};\nvar CERT = ${JSON.stringify(certHex)};\nvar VERIFY = ${JSON.stringify(JSON.stringify(verifyProbeInput()))};\nvar FIXTURE = ${JSON.stringify(fixtureText)};\nvar GLUE = ${JSON.stringify(JSON.stringify(recordGlueTape(glueFixtureText)))};\n`;
  const notes: string[] = [];
  const out: EspruinoBundleCosts = { notes };
  const probes = await runEspruino(espruino, `${bundle}\n${data}var KERNEL_ROUNDS = ${ESPRUINO_KERNEL_ROUNDS};\n${KERNEL_FUNCTION}${COMMON}${PROBES}`, 240_000);
  const units: Record<string, number> = {};
  for (const l of probes.split('\n')) {
    const m = /^MICROTLS-UNIT (\w+) ([\d.e+-]+)/.exec(l);
    if (m) units[m[1]!] = Number(m[2]);
  }
  if (Object.keys(units).length) out.units = units;
  const glueFault = probes.split('\n').find((l) => l.startsWith('MICROTLS-GLUE-FAILED '));
  if (glueFault) notes.push(`the protocol probe (tape replay) failed in Espruino: ${glueFault.slice('MICROTLS-GLUE-FAILED '.length).trim()}`);
  const heap = /^MICROTLS-HEAP (\d+) (\d+)/m.exec(probes);
  if (heap) notes.push(`the probes' heap at their end: ${Number(heap[1]).toLocaleString('en-US')} of ${Number(heap[2]).toLocaleString('en-US')} variables`);
  if (!probes.includes('MICROTLS-DONE')) notes.push(`unit probes with the device bundle stopped after ${Object.keys(units).join(', ') || 'none'}: ${firstFault(probes)}`);
  const replay = await runEspruino(espruino, `${bundle}\n${data}${COMMON}${REPLAY}`, 60_000);
  const ok = replay.split('\n').find((l) => l.startsWith('MICROTLS-REPLAY '));
  if (ok) out.replayMs = JSON.parse(ok.slice('MICROTLS-REPLAY '.length)) as number[];
  else notes.push(`the replay with the device bundle failed in Espruino: ${firstFault(replay)}`);
  return out;
}

function firstFault(stdout: string): string {
  const l = stdout.split('\n').find((x) => /ASSERT|Uncaught|FAILED|Error/.test(x));
  return (l ?? (stdout.trim() ? stdout.trim().split('\n').pop()! : 'no output (timeout?)')).trim().slice(0, 200);
}
