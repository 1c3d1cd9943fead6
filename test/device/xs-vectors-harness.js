// Runs inside xst and xsnap as a module: published test vectors (Wycheproof, RFC 1321, FIPS
// 180-4), prepared by the Node side (xs-vectors.test.ts), through the XS bundle's public API
// and its provider (xsProvider: its own hashes, HMAC, AES, GCM, CCM; ECDSA on the engine's
// BigInt). Returns, per family, how many cases ran and the ids of those that gave the wrong
// verdict (a check may return a string saying what differed). Host-neutral: no print, console or timers.
import { MicroTlsError, WEBPKI_POLICY, xsProvider, digest, ecdsaVerify, fromHex, toHex, verifyChain } from './microtls.xs.js';

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
  // x509-limbo: [peer, intermediates, trusted, time, serverName, maxDepth, usage, verdict]; the verdict
  // (accepted, or the sorted verify flags) must be the one Node reached on the same case.
  x509: (c) => {
    let verdict;
    try {
      const r = verifyChain({
        peer: c[0], intermediates: c[1], trusted: c[2], time: new Date(c[3]), policy: WEBPKI_POLICY, usage: c[6],
        ...(c[4] !== null ? { serverName: c[4] } : {}), ...(c[5] !== null ? { maxDepth: c[5] } : {}),
      });
      verdict = r.ok ? 'accepted' : r.flagNames.slice().sort().join('|');
    } catch (e) {
      verdict = 'threw ' + (e && e.codeName);
    }
    // '!accepted': Node's BER fallback (asn1js, not in the device bundle) parses a certificate
    // this build refuses at parse; both must refuse the chain.
    const same = c[7] === '!accepted' ? verdict !== 'accepted' : verdict === c[7];
    return same || `engine: ${verdict}; node: ${c[7]}`;
  },
};

function run(json) {
  const cases = JSON.parse(json);
  const out = {};
  for (const family of Object.keys(cases)) {
    const t0 = Date.now();
    const wrong = [];
    const slowest = { id: '', ms: -1 };
    for (const c of cases[family].list) {
      const t1 = Date.now();
      let ok;
      try {
        ok = CHECKS[family](c.v);
      } catch (e) {
        ok = false;
      }
      if (ok !== true) wrong.push(typeof ok === 'string' ? `${c.id} (${ok})` : c.id);
      if (Date.now() - t1 > slowest.ms) { slowest.id = c.id; slowest.ms = Date.now() - t1; }
    }
    out[family] = { ran: cases[family].list.length, wrong, ms: Date.now() - t0, slowest };
  }
  return JSON.stringify(out);
}

globalThis.microtlsVectors = run;
