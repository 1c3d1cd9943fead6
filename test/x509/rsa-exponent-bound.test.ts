/**
 * Regression: RSA public exponents were bounded only by the modulus, so a server
 * (or anyone in the path before authentication) could present certificates whose keys have
 * an 8192-bit public exponent. Each signature check against such a key is a full-size
 * exponentiation (~0.5 s on a desktop with the pure-JS backend, far longer on a device),
 * synchronously blocking the event loop, and path building tries up to 256 candidates.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getDefaultProvider } from '../../hw/index.js';
import { DerReader } from '../../src/encoding/der.js';
import { importPublicKey } from '../../src/crypto/keys.js';
import { MicroTlsError } from '../../src/errors.js';
import { issueCertificate } from '../../src/node/pki.js';
import { verifyChain } from '../../src/x509/verify.js';

function len(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}
function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(content);
  return Uint8Array.from([tag, ...len(body.length), ...body]);
}

/** SubjectPublicKeyInfo of an RSA "key" with an 8192-bit modulus and an 8191-bit public exponent. */
function hugeExponentSpki(variant: number): Uint8Array {
  const n = new Uint8Array(1025);
  for (let i = 1; i < 1025; i++) n[i] = (i * 37 + 11 + variant) & 0xff;
  n[1] = 0xff; n[1024]! |= 1;
  const e = n.slice(1); e[0] = 0x7f; e[1023]! |= 1;
  const rsaKey = tlv(0x30, tlv(0x02, n), tlv(0x02, e));
  const alg = tlv(0x30, tlv(0x06, Uint8Array.of(0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01)), Uint8Array.of(0x05, 0x00));
  return tlv(0x30, alg, tlv(0x03, Uint8Array.of(0), rsaKey));
}

/** The TBS fields of a certificate (raw TLVs) and its signature algorithm. */
function parts(der: Uint8Array): { tbs: Uint8Array[]; sigAlg: Uint8Array } {
  const cert = new DerReader(der, 'X509_INVALID_FORMAT').sequence();
  const tbs = cert.sequence();
  const fields: Uint8Array[] = [];
  while (tbs.remaining > 0) fields.push(tbs.read().raw);
  return { tbs: fields, sigAlg: cert.read().raw };
}

function rebuild(der: Uint8Array, change: (tbs: Uint8Array[]) => void, signature: Uint8Array): Uint8Array {
  const p = parts(der);
  change(p.tbs);
  return tlv(0x30, tlv(0x30, ...p.tbs), p.sigAlg, tlv(0x03, Uint8Array.of(0), signature));
}

test('an RSA key with a huge public exponent is refused when parsed', () => {
  const spki = hugeExponentSpki(0);
  try {
    importPublicKey(spki);
    assert.unreachable('accepted');
  } catch (e) {
    if (!(e instanceof MicroTlsError)) throw e;
    assert.is(e.codeName, 'MBEDTLS_ERR_PK_INVALID_PUBKEY');
  }
});

test('a chain of certificates with huge-exponent RSA keys cannot stall verification', () => {
  const root = issueCertificate({ subject: [['CN', 'Exponent Root']], ca: true, keyUsage: ['keyCertSign'] });
  const inter = issueCertificate({ subject: [['CN', 'Exponent Intermediate']], issuer: root, ca: true, keyUsage: ['keyCertSign'] });
  const leaf = issueCertificate({ subject: [['CN', 'mqtt.example.com']], issuer: inter, dnsNames: ['mqtt.example.com'] });
  // The leaf's signature is made 1024 bytes, the size of the hostile keys, so that it is
  // really exponentiated; its issuer name matches every hostile "intermediate".
  const hostileLeaf = rebuild(leaf.certDer, () => undefined, new Uint8Array(1024).fill(0x01));
  const hostile = [0, 1, 2, 3, 4, 5].map((v) => rebuild(inter.certDer, (tbs) => { tbs[6] = hugeExponentSpki(v); }, new Uint8Array(256).fill(2)));
  const started = performance.now();
  const r = verifyChain({
    peer: hostileLeaf, intermediates: hostile, trusted: root.certDer, time: new Date(),
    serverName: 'mqtt.example.com', provider: getDefaultProvider(),
  });
  const ms = performance.now() - started;
  assert.is(r.ok, false);
  assert.ok(ms < 1000, `verification took ${ms.toFixed(0)} ms`);
});

test.run();
