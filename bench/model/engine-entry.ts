/**
 * Unit-cost probes for the cost model, bundled (esbuild, IIFE, platform neutral, like the
 * QuickJS replay) and run inside xst and under node --jitless. Exposes
 *   microtlsUnitCosts(certificateHex) -> JSON of microseconds per unit of work, measured with
 *   the portable core's default provider (noble) and src/crypto's big-integer module,
 * beside test/engines/replay-entry.ts's microtlsReplay, which the driver times. The clock is
 * globalThis.microtlsClock when the driver sets one (under Node: this process's CPU time, which
 * the neighbours on a shared machine do not inflate), else Date.now() (millisecond resolution,
 * so every probe runs for at least MIN_MS).
 */
import '../../test/engines/replay-entry.js';
import { getDefaultProvider } from '../../hw/index.js';
import { modExp } from '../../src/crypto/bigint.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { TlsClient } from '../../src/handshake/client.js';

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

function microtlsUnitCosts(certificateHex: string): string {
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
  const block = p.aesBlock(key);
  const one = data.subarray(0, 16);
  const aesBlock = perUnit(() => block.encryptBlock(one), 1);
  const gcm = p.aesGcm(key);
  // A 4096-byte seal: 256 CTR blocks + E(J0), 256 + 1 + 1 GHASH blocks.
  const gcmSeal = perUnit(() => gcm.seal(nonce, data, aad), 1);
  const ghashBlock = Math.max(0, (gcmSeal - 257 * aesBlock) / 258);
  const aesKeySetup = perUnit(() => p.aesGcm(key), 1);
  const modMul: Record<string, number> = {};
  for (const bits of [512, 1024, 2048, 4096]) {
    const m = pattern(bits / 8, bits);
    m[0]! |= 0x80;
    m[m.length - 1]! |= 1;
    const base = pattern(bits / 8, bits + 1);
    base[0] = 0;
    // e = 65537: 16 squarings and one multiplication (hw/modmul-schedule.ts).
    modMul[String(bits)] = perUnit(() => modExp(base, Uint8Array.of(1, 0, 1), m), 17);
  }
  const der = fromHex(certificateHex);
  const certificatePerByte = perUnit(() => parseCertificate(der), der.length);
  const perHandshake = perUnit(() => {
    const c = new TlsClient({ verify: false, serverName: 'localhost', provider: p, random: (n: number) => new Uint8Array(n), now: () => 1767225600000 },
      { output: () => {}, handshake: () => {}, data: () => {}, close: () => {}, error: () => {} });
    c.start();
  }, 1);
  // What the replay harness itself does per byte (each server byte from hex, each client byte
  // to hex: one conversion per byte): part of a replay's time, not of a live handshake's. The
  // probe converts both ways, so 2 x 2048 conversions.
  const hexText = toHex(data.subarray(0, 2048));
  const harnessPerByte = perUnit(() => toHex(fromHex(hexText)), 2 * 2048);
  return JSON.stringify({ sha1Block, sha256Block, sha512Block, hashCall, aesBlock, ghashBlock, aesKeySetup, modMul, certificatePerByte, perHandshake, harnessPerByte });
}

(globalThis as Record<string, unknown>)['microtlsUnitCosts'] = microtlsUnitCosts;
