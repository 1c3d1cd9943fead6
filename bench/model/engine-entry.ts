/**
 * Unit-cost probes for the cost model, bundled (esbuild, IIFE, platform neutral, like the
 * QuickJS replay) and run inside xst and under node --jitless. Exposes
 *   microtlsUnitCosts(certificateHex, flightHex, keysPem) -> JSON of microseconds per unit of work, measured with
 *   the default provider (noble's; the XS bundle's when globalThis.microtlsProvider is 'xs')
 *   and src/crypto's big-integer module,
 * beside test/engines/replay-entry.ts's microtlsReplay, which the driver times. The clock is
 * globalThis.microtlsClock when the driver sets one (under Node: this process's CPU time, which
 * the neighbours on a shared machine do not inflate), else Date.now() (millisecond resolution,
 * so every probe runs for at least MIN_MS).
 */
import '../../test/engines/replay-entry.js';
import { completeProvider, digest, getDefaultProvider, setDefaultProvider } from '../../hw/index.js';
import { xsProvider } from '../../src/device/xs-provider.js';
import { modExp, rsaPrivate } from '../../src/crypto/bigint.js';
import { importPrivateKey } from '../../src/crypto/keys.js';
import { concatBytes, fromHex, toHex, utf8Encode } from '../../src/encoding/bytes.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { createChainVerifier } from '../../src/x509/verifier.js';
import { verifySignature } from '../../src/crypto/signature.js';
import { decodePem } from '../../src/encoding/pem.js';
import { createServerVerifier } from '../../src/handshake/server-verifier.js';
import { TlsClient } from '../../src/handshake/client.js';
import { parseCertificateMessage } from '../../src/handshake/certificate.js';
import { parseServerHello } from '../../src/handshake/server-hello.js';
import { HandshakeAssembler } from '../../src/record/handshake-assembler.js';
import { RecordLayer } from '../../src/record/record-layer.js';
import type { ReplayFixture } from '../../test/helpers/replay.js';
import { seededRandom } from '../../test/helpers/seeded-random.js';
import { createTape } from './tape-provider.js';

// In xst the provider is the XS bundle's (src/device/xs-provider.ts: its own SHA-2 and HMAC,
// noble's AES and GCM), the one the esp32-xs profile stands for; elsewhere noble's.
if ((globalThis as { microtlsProvider?: string }).microtlsProvider === 'xs') setDefaultProvider(xsProvider);

const MIN_MS = 250;
const now: () => number = (globalThis as { microtlsClock?: () => number }).microtlsClock ?? (() => Date.now());

/**
 * Microseconds per call of fn, each call doing `units` units: the median of five windows of
 * MIN_MS / 5 (the machine is shared; the replay it is compared with is a median too).
 */
function perUnit(fn: () => unknown, units: number): number {
  fn();
  const windows: number[] = [];
  for (let round = 0; round < 5; round++) {
    let n = 0;
    const t0 = now();
    let t = t0;
    while (t - t0 < MIN_MS / 5 || n === 0) {
      fn();
      n++;
      t = now();
    }
    windows.push(((t - t0) * 1000) / (n * units));
  }
  return windows.sort((a, b) => a - b)[2]!;
}

function pattern(n: number, seed: number): Uint8Array {
  const b = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    b[i] = x >> 16;
  }
  return b;
}

/**
 * Record and handshake-message handling per byte, without crypto: the server's first flight
 * (plaintext ServerHello, Certificate, ServerHelloDone) through a record layer and the message
 * assembler, the ServerHello and the certificate list parsed, and as many bytes framed into
 * records the other way. The X.509 parsing has its own probe.
 */
function protocolProbe(flight: Uint8Array): number {
  const out = flight.subarray(0, 1024);
  return perUnit(() => {
    const rl = new RecordLayer();
    const asm = new HandshakeAssembler();
    rl.feed(flight);
    for (let rec = rl.nextRecord(); rec; rec = rl.nextRecord()) asm.push(rec.fragment);
    for (let msg = asm.next(); msg; msg = asm.next()) {
      if (msg.type === 2) parseServerHello(msg.body);
      else if (msg.type === 11) parseCertificateMessage(msg.body);
    }
    rl.seal(22, out);
  }, flight.length + out.length);
}

/** A chain as the live verified handshakes present it, and the CA they trust (bench/lib/bench-pki.ts's shape). */
interface VerifyProbe { ca: string; chain: string[]; serverName: string }

/**
 * A reconnect's verification as connect({ ca }) runs it, in two units: the verifier built from
 * the CA text (the trust store's cached look-up, the trust id), which a resumption pays too, and
 * the chain checked with its signature verdicts remembered, less that build and the parsing of
 * its certificates (certificatePerByte): path building, the memo's look-up, names, dates, usages.
 * Microseconds each, or undefined when the chain does not verify here.
 */
function verifyProbe(v: VerifyProbe): { verifyCall: number; verifierBuild: number; coldVerifyCall?: number } | undefined {
  const build = () => createServerVerifier({ ca: v.ca, clock: { now: () => new Date() }, provider: getDefaultProvider() as never });
  const ctx = { chain: v.chain.map((h) => fromHex(h)), serverName: v.serverName };
  if (!build()(ctx).ok) return undefined;
  const warm = perUnit(() => build()(ctx), 1);
  const parse = perUnit(() => ctx.chain.forEach((d) => parseCertificate(d)), 1);
  // The build alone is its own unit: a resumption pays it and checks no chain.
  const verifierBuild = perUnit(() => build(), 1);
  const cold = coldVerifyProbe(v, ctx, warm);
  return { verifyCall: Math.max(0, warm - parse - verifierBuild), verifierBuild, ...(cold !== undefined ? { coldVerifyCall: cold } : {}) };
}

/**
 * A verifier without caches (every connection parses the CA and checks the signature, as a
 * device that keeps no verdicts): what it costs besides a reconnect's check and what the counts
 * charge apart -- the CA's parse (certificate bytes), the signature's check (products, hash
 * blocks) and the CA's digest for the trust id (hash blocks).
 */
function coldVerifyProbe(v: VerifyProbe, ctx: { chain: Uint8Array[]; serverName: string }, warm: number): number | undefined {
  const full = completeProvider(getDefaultProvider());
  const checkCold = () => createChainVerifier({ trusted: v.ca, cache: false, clock: { now: () => new Date() }, provider: full, usage: 'serverAuth' })(ctx);
  if (!checkCold().ok) return undefined;
  const caDer = decodePem(v.ca)[0]!.der;
  const ca = parseCertificate(caDer);
  const leaf = parseCertificate(ctx.chain[0]!);
  const cold = perUnit(checkCold, 1);
  const parseCa = perUnit(() => parseCertificate(caDer), 1);
  const signature = perUnit(() => verifySignature(full, ca.publicKey, leaf.signatureAlgorithm.hash, leaf.tbs, leaf.signature), 1);
  const caDigest = perUnit(() => digest(full, 'sha256', caDer), 1);
  return Math.max(0, cold - warm - parseCa - signature - caDigest);
}

function microtlsUnitCosts(certificateHex: string, flightHex?: string, keysPem?: string[], verifyJson?: string): string {
  const p = getDefaultProvider();
  const data = pattern(4096, 1);
  const key = pattern(16, 2);
  const nonce = pattern(12, 3);
  const aad = new Uint8Array(13);
  // A digest costs a fixed part (context, padding, output) and a part per compression block:
  // two sizes give both. 119 bytes are 2 SHA-1/SHA-256 blocks with padding, 4096 bytes 65;
  // for SHA-384/512, 239 bytes are 2 blocks and 4096 bytes 33.
  const m119 = data.subarray(0, 119);
  const m239 = data.subarray(0, 239);
  const split = (alg: 'sha1' | 'sha256' | 'sha384', small: Uint8Array, smallBlocks: number, bigBlocks: number) => {
    const t1 = perUnit(() => p.hash(alg).update(small).digest(), 1);
    const t2 = perUnit(() => p.hash(alg).update(data).digest(), 1);
    const block = Math.max(0, (t2 - t1) / (bigBlocks - smallBlocks));
    return { block, call: Math.max(0, t1 - smallBlocks * block) };
  };
  const s1 = split('sha1', m119, 2, 65);
  const s256 = split('sha256', m119, 2, 65);
  const s512 = split('sha384', m239, 2, 33);
  const sha1Block = s1.block;
  const sha256Block = s256.block;
  const sha512Block = s512.block;
  // Per digest, the SHA-256 figure (the handshake's hash; the others are close to it).
  const hashCall = s256.call;
  // The transcript's digest copies the running state first: a context holding a partial block.
  const running = p.hash('sha256').update(data.subarray(0, 100));
  const hashClone = perUnit(() => running.clone(), 1);
  // HMAC as the PRF runs it: keyed once (a 48-byte secret: key ^ ipad and key ^ opad, one block
  // each), then per HMAC a copy of the keyed state, an update and a digest. A 32-byte input
  // costs one inner and one outer block besides the keyed ones.
  const secret = pattern(48, 4);
  const hmacKeySetup = Math.max(0, perUnit(() => p.hmac('sha256', secret), 1) - 2 * sha256Block);
  const template = p.hmac('sha256', secret);
  const m32 = data.subarray(0, 32);
  let hmacClone = 0;
  let hmacCall: number;
  if (template.clone) {
    hmacClone = perUnit(() => template.clone!(), 1);
    hmacCall = Math.max(0, perUnit(() => template.clone!().update(m32).digest(), 1) - hmacClone - 2 * sha256Block);
  } else {
    hmacCall = Math.max(0, perUnit(() => p.hmac('sha256', secret).update(m32).digest(), 1) - hmacKeySetup - 4 * sha256Block);
  }
  const block = p.aesBlock(key);
  const one = data.subarray(0, 16);
  const aesBlock = perUnit(() => block.encryptBlock(one), 1);
  const gcm = p.aesGcm(key);
  // GCM from two sizes: a 16-byte seal is 1 CTR block + E(J0) and 3 GHASH blocks (AAD, data,
  // lengths); a 4096-byte seal 255 of each more. The difference gives the GHASH block (less the
  // AES block), the small seal the fixed cost of a call (nonce, counter, tag).
  const seal16 = perUnit(() => gcm.seal(nonce, one, aad), 1);
  const seal4096 = perUnit(() => gcm.seal(nonce, data, aad), 1);
  const ghashBlock = Math.max(0, (seal4096 - seal16) / 255 - aesBlock);
  const aeadCall = Math.max(0, seal16 - 2 * aesBlock - 3 * ghashBlock);
  const aesKeySetup = perUnit(() => p.aesGcm(key), 1);
  // Products from two public exponents of the square-and-multiply path (bigint.ts powPublic:
  // e = 3 is 1 squaring + 1 product, e = 2^63 + 1 is 63 squarings + 1 product): the difference
  // is 62 products without the call's fixed work (hex conversions, the reduction of the base),
  // which e = 3's time less its 2 products gives apart. One exponentiation divided by its
  // product count would charge that fixed work to every product, about twice a product's cost
  // at these sizes, and a private operation's 2,500 products pay it once.
  const modMul: Record<string, number> = {};
  const publicCall: Record<string, number> = {};
  const e3 = Uint8Array.of(3);
  const e64 = Uint8Array.of(0x80, 0, 0, 0, 0, 0, 0, 1);
  for (const bits of [512, 1024, 2048, 4096]) {
    const m = pattern(bits / 8, bits);
    m[0]! |= 0x80;
    m[m.length - 1]! |= 1;
    const base = pattern(bits / 8, bits + 1);
    base[0] = 0;
    const t3 = perUnit(() => modExp(base, e3, m), 1);
    const t64 = perUnit(() => modExp(base, e64, m), 1);
    modMul[String(bits)] = Math.max(0, (t64 - t3) / 62);
    publicCall[String(bits)] = Math.max(0, t3 - 2 * modMul[String(bits)]!);
  }
  // The handshakes' public operations are at 2048 bits.
  const rsaPublicCall = publicCall['2048']!;
  // Per private key: loading it (PEM, DER, the consistency check), and the first private
  // operation's extra work (a fresh blinding pair: an extended-Euclid inversion, and r^e mod n
  // in place of the pair's 2 squarings), from the first use of a fresh key object less a later
  // use of a warm one, less those 17 - 2 products.
  const modInverse: Record<string, number> = {};
  const keyImport: Record<string, number> = {};
  for (const pem of keysPem ?? []) {
    const key = importPrivateKey(pem);
    const bits = String(key.bits);
    const input = pattern(key.bits / 8, key.bits + 2);
    input[0] = 1;
    const rnd = (n: number) => pattern(n, n + 5);
    rsaPrivate(key, input, rnd);
    const later = perUnit(() => rsaPrivate(key, input, rnd), 1);
    const first = perUnit(() => rsaPrivate({ ...key }, input, rnd), 1);
    modInverse[bits] = Math.max(0, first - later - 15 * modMul[bits]!);
    keyImport[bits] = perUnit(() => importPrivateKey(pem), 1);
  }
  const der = fromHex(certificateHex);
  const certificatePerByte = perUnit(() => parseCertificate(der), der.length);
  const perHandshake = perUnit(() => {
    const c = new TlsClient({ verify: false, serverName: 'localhost', provider: p, random: (n: number) => new Uint8Array(n), now: () => 1767225600000 },
      { output: () => {}, handshake: () => {}, data: () => {}, close: () => {}, error: () => {} });
    c.start();
  }, 1);
  const protocolPerByte = flightHex ? protocolProbe(fromHex(flightHex)) : undefined;
  const verified = verifyJson ? verifyProbe(JSON.parse(verifyJson) as VerifyProbe) : undefined;
  return JSON.stringify({ sha1Block, sha256Block, sha512Block, hashCall, hashClone, hmacCall, hmacKeySetup, hmacClone, aesBlock, ghashBlock, aesKeySetup, aeadCall, modMul, rsaPublicCall, modInverse, keyImport, certificatePerByte, perHandshake, protocolPerByte, ...verified });
}

/**
 * The replay the model is checked against, timed without the harness's own work: the server's
 * bytes converted from hex, and the seeded random stream (SHA-256 in JavaScript, which a device
 * gets from its RNG) recorded in a first run, both before the clock starts; the client's output
 * is compared with the recording after it stops. Returns JSON: `runs` figures, milliseconds per replay.
 */
function microtlsTimedReplay(fixtureJson: string, runs: number, glue = false): string {
  const f = JSON.parse(fixtureJson) as ReplayFixture;
  const server = f.flow.filter((x) => x.dir === 'server').map((x) => fromHex(x.hex));
  const expected = f.flow.filter((x) => x.dir === 'client').map((x) => x.hex).join('');
  const message = utf8Encode(f.message);
  const seeded = seededRandom(f.seed);
  const recorded: Uint8Array[] = [];
  const once = (random: (n: number) => Uint8Array, chunks: Uint8Array[], provider = getDefaultProvider()): Uint8Array[] => {
    const out: Uint8Array[] = [];
    let received = 0;
    let failure: string | undefined;
    const c: TlsClient = new TlsClient({ verify: false, serverName: f.serverName, cipherSuites: [f.suite], provider, random, now: () => f.now }, {
      output: (b) => out.push(b.slice()),
      handshake: () => c.write(message),
      data: (d) => {
        received += d.length;
        if (received === message.length) c.close();
      },
      close: () => {},
      error: (e) => { failure = e.codeName; },
    });
    c.start();
    for (const chunk of chunks) c.receive(chunk);
    if (failure) throw new Error(`replay failed: ${failure}`);
    return out;
  };
  once((n) => {
    const b = seeded(n);
    recorded.push(b);
    return b;
  }, server.map((x) => x.slice()));
  if (glue) {
    // The protocol code alone: the same handshake with every provider answer from a tape
    // (tape-provider.ts), RSA included; microseconds per wire byte and per handshake.
    const base = getDefaultProvider();
    const tape = createTape({ ...base, rsaPublic: base.rsaPublic ?? ((n: Uint8Array, e: Uint8Array, x: Uint8Array) => modExp(x, e, n)) });
    const replayed = () => { let i = 0; return (len: number) => recorded[i++]!.subarray(0, len); };
    once(replayed(), server.map((x) => x.slice()), tape.recorder() as never);
    const us = perUnit(() => once(replayed(), server.map((x) => x.slice()), tape.player() as never), 1);
    const bytes = f.flow.reduce((n, x) => n + x.hex.length / 2, 0);
    return JSON.stringify({ perHandshakeUs: us, perByteUs: us / bytes, bytes });
  }
  // Each figure is the mean of as many replays as fill a window of MIN_MS / 5, as each unit
  // probe's figure is: on a shared machine a short run and a long window see preemption
  // differently, and the check should compare like with like.
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    let n = 0;
    let spent = 0;
    while (spent < MIN_MS / 5 || n === 0) {
      let i = 0;
      // Fresh copies: the record layer may decrypt in place.
      const chunks = server.map((x) => x.slice());
      const t0 = now();
      const out = once((len) => {
        const b = recorded[i++]!;
        if (b.length !== len) throw new Error('the replay asked for other random lengths than the recording');
        return b;
      }, chunks);
      spent += now() - t0;
      n++;
      if (toHex(concatBytes(...out)) !== expected) throw new Error('the replay did not reproduce the recorded client bytes');
    }
    times.push(spent / n);
  }
  return JSON.stringify(times);
}

(globalThis as Record<string, unknown>)['microtlsUnitCosts'] = microtlsUnitCosts;
(globalThis as Record<string, unknown>)['microtlsTimedReplay'] = microtlsTimedReplay;
(globalThis as Record<string, unknown>)['microtlsProtocolGlue'] = (fixtureJson: string) => microtlsTimedReplay(fixtureJson, 0, true);
