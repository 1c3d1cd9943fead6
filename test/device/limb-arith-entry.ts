/**
 * Runs inside Espruino and XS (bundled by limb-engines.test.ts): Wycheproof cases prepared by
 * the Node side, checked on the limb arithmetic itself. RSA verify: s^e mod n must equal the
 * expected EMSA-PKCS1-v1_5 block (Node built it from the digest, as rsa.ts does); RSA sign:
 * the CRT + blinded private operation must reproduce the file's signature; ECDSA: the curve
 * check on r || s (Node did the strict DER parse, as ecdsa.ts does). Prints one
 * `RESULT {json}` line. Written in the syntax Espruino runs.
 */
import { compareUnsigned } from '../../src/crypto/bigint-bytes.js';
import { modExp, rsaPrivate } from '../../src/crypto/bigint-limb.js';
import { ecdsaVerifyCompact } from '../../src/crypto/ecdsa-limb.js';
import { dotIsNative, jsDot, setDot } from '../../src/crypto/limb-dot.js';
import type { EcCurveName, RsaPrivateKey } from '../../src/crypto/key-types.js';

declare const CASES: {
  rsa: { n: string; e: string; sig: string; em: string; want: boolean }[];
  sign: { key: { [k: string]: string }; em: string; sig: string }[];
  ecdsa: { curve: string; point: string; digest: string; rs: string; want: boolean }[];
  jsDotToo: number;
};
declare function print(s: string): void;

function hex(s: string): Uint8Array {
  const out = new Uint8Array(s.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
  return out;
}

function toHexStr(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
  return s;
}

const failures: string[] = [];
const counts = { rsa: 0, sign: 0, ecdsa: 0, jsDot: 0 };
const times = { rsaMs: 0, signMs: 0, ecdsaMs: 0 };
const seed = { v: 12345 };
function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    seed.v = (seed.v * 1103515245 + 12345) % 2147483648;
    out[i] = seed.v & 255;
  }
  return out;
}

function rsaVerdict(c: { n: string; e: string; sig: string; em: string }): boolean {
  const n = hex(c.n);
  const sig = hex(c.sig);
  if (sig.length !== n.length || compareUnsigned(sig, n) >= 0 || c.em.length === 0) return false;
  return toHexStr(modExp(sig, hex(c.e), n)) === c.em;
}

function runAll(limit: number, signLimit: number): void {
  let t = Date.now();
  for (let i = 0; i < CASES.rsa.length && i < limit; i++) {
    const c = CASES.rsa[i];
    if (rsaVerdict(c) !== c.want) failures.push('rsa ' + i);
    counts.rsa++;
  }
  times.rsaMs += Date.now() - t;
  t = Date.now();
  for (let i = 0; i < CASES.sign.length && i < signLimit; i++) {
    const c = CASES.sign[i];
    const k = c.key;
    const key: RsaPrivateKey = {
      type: 'rsa-private', modulus: hex(k.n), publicExponent: hex(k.e), privateExponent: hex(k.d), prime1: hex(k.p),
      prime2: hex(k.q), exponent1: hex(k.dp), exponent2: hex(k.dq), coefficient: hex(k.qi), bits: k.n.length * 4,
    };
    if (toHexStr(rsaPrivate(key, hex(c.em), randomBytes)) !== c.sig) failures.push('sign ' + i);
    counts.sign++;
  }
  times.signMs += Date.now() - t;
  t = Date.now();
  for (let i = 0; i < CASES.ecdsa.length && i < limit; i++) {
    const c = CASES.ecdsa[i];
    const ok = c.rs.length > 0 && ecdsaVerifyCompact(c.curve as EcCurveName, hex(c.point), hex(c.digest), hex(c.rs));
    if (ok !== c.want) failures.push('ecdsa ' + i);
    counts.ecdsa++;
  }
  times.ecdsaMs += Date.now() - t;
}

const native = dotIsNative();
runAll(1000000, 1000000);
// The plain JS dot product on the same engine, over the first few verification cases (a
// private operation through the interpreted loop would take minutes on Espruino).
if (native && CASES.jsDotToo > 0) {
  setDot(jsDot);
  const before = counts.rsa + counts.sign + counts.ecdsa;
  runAll(CASES.jsDotToo, 0);
  counts.jsDot = counts.rsa + counts.sign + counts.ecdsa - before;
  setDot(undefined);
}
print('RESULT ' + JSON.stringify({ nativeDot: native, counts: counts, times: times, failures: failures }));
