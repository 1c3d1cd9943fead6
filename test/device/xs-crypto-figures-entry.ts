/**
 * Runs inside xst, xsnap and node --jitless (bundled by xs-crypto-figures.ts): each public-key
 * and symmetric primitive the XS bundle could use, timed side by side on the same inputs, so
 * the choice between @noble / BigInt and the project's own code is made on figures from the
 * engine itself. Every operation's result is checked too (a fast wrong answer is no figure).
 */
import { ecdsaVerifyCompact as nobleEcdsa } from '../../src/crypto/ecdsa-noble.js';
import { ecdsaVerifyCompact as limbEcdsa } from '../../src/crypto/ecdsa-limb.js';
import { ecdsaVerifyCompact as bigEcdsa } from '../../src/crypto/ecdsa-bigint.js';
import { modExp as bigModExp, rsaPrivate as bigRsaPrivate } from '../../src/crypto/bigint.js';
import { modExp as limbModExp, rsaPrivate as limbRsaPrivate } from '../../src/crypto/bigint-limb.js';
import type { EcCurveName, RsaPrivateKey } from '../../src/crypto/key-types.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { aesCbc } from '../../hw/aes.js';
import { aesGcm } from '../../hw/aes-gcm.js';
import { nobleAesCbc } from '../../hw/noble-aes.js';
import { nobleAesGcm } from '../../hw/noble-gcm.js';
import { nobleHash } from '../../hw/noble-hash.js';
import { Md5 } from '../../hw/md5.js';
import { Sha1 } from '../../hw/sha1.js';
import { Sha256 } from '../../hw/sha256.js';
import { Sha512 } from '../../hw/sha512.js';
import type { HashContext, HashName } from '../../hw/provider.js';

declare const CASES: {
  ecdsa: { curve: string; point: string; digest: string; rs: string }[];
  rsaPublic: { n: string; e: string; sig: string; em: string };
  rsaPrivate: { key: Record<string, string>; em: string; sig: string };
  /** Leave out the limb rows that take seconds per call. */
  skipSlow: boolean;
};
declare function emit(s: string): void;

const rows: { op: string; impl: string; ms: number; n: number }[] = [];
const failures: string[] = [];
const pending: { op: string; impl: string; f: () => boolean; min: number; best: number; n: number }[] = [];

/** Registers an operation; each result is checked once here, timed later by run(). */
function time(op: string, impl: string, f: () => boolean, min = 2): void {
  if (!f()) failures.push(`${op} ${impl}`);
  pending.push({ op, impl, f, min, best: Infinity, n: 0 });
}

/**
 * Five rounds over every operation, the implementations of one operation back to back in each
 * round; each figure is the best round's mean (at least `min` calls and 150 ms), so load on a
 * shared machine, which only ever adds time, disturbs the comparison as little as it can.
 */
function run(): void {
  for (let round = 0; round < 5; round++) {
    for (const p of pending) {
      let n = 0;
      const t0 = Date.now();
      while (n < p.min || Date.now() - t0 < 150) { p.f(); n++; }
      const ms = (Date.now() - t0) / n;
      if (ms < p.best) p.best = ms;
      p.n += n;
    }
  }
  for (const p of pending) rows.push({ op: p.op, impl: p.impl, ms: p.best, n: p.n });
}

for (const c of CASES.ecdsa) {
  const p = fromHex(c.point), d = fromHex(c.digest), rs = fromHex(c.rs);
  const curve = c.curve as EcCurveName;
  time(`ecdsa ${curve}`, 'noble', () => nobleEcdsa(curve, p, d, rs));
  time(`ecdsa ${curve}`, 'bigint', () => bigEcdsa(curve, p, d, rs));
  if (!CASES.skipSlow) time(`ecdsa ${curve}`, 'limb', () => limbEcdsa(curve, p, d, rs));
}

{
  const c = CASES.rsaPublic;
  const n = fromHex(c.n), e = fromHex(c.e), s = fromHex(c.sig);
  time(`rsa public ${n.length * 8}`, 'bigint', () => toHex(bigModExp(s, e, n)) === c.em, 5);
  time(`rsa public ${n.length * 8}`, 'limb', () => toHex(limbModExp(s, e, n)) === c.em, 5);
}

{
  const k = CASES.rsaPrivate.key;
  const key: RsaPrivateKey = {
    type: 'rsa-private', modulus: fromHex(k.n!), publicExponent: fromHex(k.e!), privateExponent: fromHex(k.d!), prime1: fromHex(k.p!),
    prime2: fromHex(k.q!), exponent1: fromHex(k.dp!), exponent2: fromHex(k.dq!), coefficient: fromHex(k.qi!), bits: k.n!.length * 4,
  };
  const em = fromHex(CASES.rsaPrivate.em);
  let seed = 1;
  const random = (len: number) => Uint8Array.from({ length: len }, () => (seed = (seed * 1103515245 + 12345) % 2147483648) & 255);
  time(`rsa private ${key.bits}`, 'bigint', () => toHex(bigRsaPrivate(key, em, random)) === CASES.rsaPrivate.sig, 1);
  if (!CASES.skipSlow) time(`rsa private ${key.bits}`, 'limb', () => toHex(limbRsaPrivate(key, em, random)) === CASES.rsaPrivate.sig, 1);
}

// Symmetric primitives over one 16 KiB record; each pair must agree byte for byte.
{
  const record = Uint8Array.from({ length: 16384 }, (_, i) => (i * 7 + 3) & 255);
  const key = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
  const nonce = new Uint8Array(12).fill(9), aad = new Uint8Array(13).fill(5), iv = new Uint8Array(16).fill(2);
  const gcm = { noble: nobleAesGcm(key), own: aesGcm(key) };
  const cbc = { noble: nobleAesCbc(key), own: aesCbc(key) };
  const want = { gcm: toHex(gcm.noble.seal(nonce, record, aad)), cbc: toHex(cbc.noble.decrypt(iv, record)) };
  for (const impl of ['noble', 'own'] as const) {
    time('aes-128-gcm seal 16K', impl, () => toHex(gcm[impl].seal(nonce, record, aad)) === want.gcm);
    time('aes-128-cbc dec 16K', impl, () => toHex(cbc[impl].decrypt(iv, record)) === want.cbc);
  }
  const own: Record<string, () => HashContext> = { md5: () => new Md5(), sha1: () => new Sha1(), sha256: () => new Sha256(), sha384: () => new Sha512(48) };
  for (const alg of ['md5', 'sha1', 'sha256', 'sha384'] as HashName[]) {
    const expect = toHex(nobleHash(alg).update(record).digest());
    time(`${alg} 16K`, 'noble', () => toHex(nobleHash(alg).update(record).digest()) === expect);
    time(`${alg} 16K`, 'own', () => toHex(own[alg]!().update(record).digest()) === expect);
  }
}

run();
emit(JSON.stringify({ rows, failures }));
