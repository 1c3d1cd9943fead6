// Runs inside xst and xsnap as a module: published test vectors (Wycheproof, RFC 1321, FIPS
// 180-4), prepared by the Node side (xs-vectors.test.ts), through the XS bundle's public API
// and its provider (xsProvider: its own hashes, HMAC, AES, GCM, CCM; ECDSA on the engine's
// BigInt). Returns, per family, how many cases ran and the ids of those that gave the wrong
// verdict. Host-neutral: no print, console or timers.
import { MicroTlsError, xsProvider, digest, ecdsaVerify, fromHex, toHex } from './microtls.xs.js';

const p = xsProvider;

function rejected(f) {
  try {
    return f() === null;
  } catch (e) {
    if (e instanceof MicroTlsError) return true;
    throw e;
  }
}

function unpad(b) {
  if (b.length === 0 || b.length % 16 !== 0) return null;
  const n = b[b.length - 1];
  if (n < 1 || n > 16) return null;
  for (let i = b.length - n; i < b.length; i++) if (b[i] !== n) return null;
  return b.subarray(0, b.length - n);
}

function pad(m) {
  const n = 16 - (m.length % 16);
  const out = new Uint8Array(m.length + n).fill(n);
  out.set(m);
  return out;
}

const CHECKS = {
  // [alg, msg, digest]
  hash: (c) => toHex(digest(p, c[0], fromHex(c[1]))) === c[2],
  // [alg, key, msg, tag, valid]: the tag (or its prefix for truncated groups) matches iff valid.
  hmac: (c) => (toHex(p.hmac(c[0], fromHex(c[1])).update(fromHex(c[2])).digest()).slice(0, c[3].length) === c[3]) === c[4],
  // [mode, key, iv, aad, msg, ct || tag, valid]
  aead: (c) => {
    const make = () => (c[0] === 'gcm' ? p.aesGcm(fromHex(c[1])) : p.aesCcm(fromHex(c[1]), c[0] === 'ccm8' ? 8 : 16));
    const iv = fromHex(c[2]), aad = fromHex(c[3]);
    if (!c[6]) return rejected(() => make().open(iv, fromHex(c[5]), aad));
    const a = make();
    if (toHex(a.seal(iv, fromHex(c[4]), aad)) !== c[5]) return false;
    const opened = a.open(iv, fromHex(c[5]), aad);
    const tampered = fromHex(c[5]);
    tampered[tampered.length - 1] ^= 1;
    return opened !== null && toHex(opened) === c[4] && a.open(iv, tampered, aad) === null;
  },
  // [key, iv, msg, ct, valid]: valid encrypts pad(msg) to ct and back; invalid (bad padding) fails the strict unpad.
  cbc: (c) => {
    const cbc = p.aesCbc(fromHex(c[0]));
    const iv = fromHex(c[1]);
    const plain = unpad(cbc.decrypt(iv, fromHex(c[3])));
    if (!c[4]) return plain === null;
    return toHex(cbc.encrypt(iv, pad(fromHex(c[2])))) === c[3] && plain !== null && toHex(plain) === c[2];
  },
  // [curve, point, hash, msg, DER signature, valid]
  ecdsa: (c) => ecdsaVerify({ type: 'ec', curve: c[0], point: fromHex(c[1]), bits: 0 }, digest(p, c[2], fromHex(c[3])), fromHex(c[4])) === c[5],
};

function run(json) {
  const cases = JSON.parse(json);
  const out = {};
  for (const family of Object.keys(cases)) {
    const t0 = Date.now();
    const wrong = [];
    for (const c of cases[family].list) {
      let ok;
      try {
        ok = CHECKS[family](c.v);
      } catch (e) {
        ok = false;
      }
      if (!ok) wrong.push(c.id);
    }
    out[family] = { ran: cases[family].list.length, wrong, ms: Date.now() - t0 };
  }
  return JSON.stringify(out);
}

globalThis.microtlsVectors = run;
