/**
 * npm run bench:crypto — symmetric crypto per provider (noble, node, the Espruino stand-in)
 * against raw node:crypto, then the public-key operations of src/crypto against node:crypto.
 * Each candidate gets 500 ms per case (5 interleaved rounds after a warm-up, best round kept,
 * because the machine is shared); the whole run stays well under a minute.
 */
import * as nc from 'node:crypto';
import { completeProvider, nobleProvider, type FullCryptoProvider } from '../hw/index.js';
import { createNodeProvider } from '../hw/node.js';
import { verifySignature } from '../src/crypto/signature.js';
import { importPrivateKey, importPublicKey } from '../src/crypto/keys.js';
import { rsaEncryptPkcs1v15, rsaSignPkcs1v15, rsaVerifyPkcs1v15 } from '../src/crypto/rsa.js';
import { createEspruinoStandIn } from '../test/hw/espruino-standin.js';
import { createEspruinoProvider } from '../hw/espruino.js';
import { measureInterleaved, printTable, type Row } from './lib/measure.js';
import { writeSectionJson } from './lib/json-out.js';
import { backendsSection } from './crypto-backends.js';

/** Per candidate and case: ROUNDS interleaved rounds of MIN_MS / ROUNDS each, best kept. */
const MIN_MS = 500;
const ROUNDS = 5;
/** `npm run bench:crypto -- GCM` runs only the cases whose name contains "GCM" (also `-- RSA`, `-- ECDSA`). */
const FILTER = process.argv[2] ?? '';
const SMALL = 64;
const LARGE = 16 * 1024;

const data = new Uint8Array(nc.randomBytes(LARGE));
const small = data.subarray(0, SMALL);
const key16 = new Uint8Array(nc.randomBytes(16));
const key32 = new Uint8Array(nc.randomBytes(32));
const nonce = new Uint8Array(nc.randomBytes(12));
const iv = new Uint8Array(nc.randomBytes(16));
// A TLS 1.2 AEAD additional-data block: seq_num(8) + type(1) + version(2) + length(2).
const aad = new Uint8Array(13);

interface SymCase {
  name: string;
  bytes: number;
  unit: 'MB/s' | 'ops/s';
  provider: (p: FullCryptoProvider) => () => unknown;
  node: () => () => unknown;
}

const SYM_CASES: SymCase[] = [
  {
    name: 'SHA-256 64 B', bytes: SMALL, unit: 'ops/s',
    provider: (p) => () => p.hash('sha256').update(small).digest(),
    node: () => () => nc.createHash('sha256').update(small).digest(),
  },
  {
    name: 'SHA-256 16 KB', bytes: LARGE, unit: 'MB/s',
    provider: (p) => () => p.hash('sha256').update(data).digest(),
    node: () => () => nc.createHash('sha256').update(data).digest(),
  },
  {
    name: 'HMAC-SHA256 64 B', bytes: SMALL, unit: 'ops/s',
    provider: (p) => () => p.hmac('sha256', key32).update(small).digest(),
    node: () => () => nc.createHmac('sha256', key32).update(small).digest(),
  },
  {
    name: 'HMAC-SHA256 16 KB', bytes: LARGE, unit: 'MB/s',
    provider: (p) => () => p.hmac('sha256', key32).update(data).digest(),
    node: () => () => nc.createHmac('sha256', key32).update(data).digest(),
  },
  {
    name: 'AES-128-GCM seal 16 KB', bytes: LARGE, unit: 'MB/s',
    provider: (p) => {
      const gcm = p.aesGcm(key16);
      return () => gcm.seal(nonce, data, aad);
    },
    node: () => () => {
      const c = nc.createCipheriv('aes-128-gcm', key16, nonce);
      c.setAAD(aad);
      return [c.update(data), c.final(), c.getAuthTag()];
    },
  },
  {
    name: 'AES-128-GCM open 16 KB', bytes: LARGE, unit: 'MB/s',
    provider: (p) => {
      const gcm = p.aesGcm(key16);
      const sealed = gcm.seal(nonce, data, aad);
      return () => gcm.open(nonce, sealed, aad);
    },
    node: () => {
      const c = nc.createCipheriv('aes-128-gcm', key16, nonce);
      c.setAAD(aad);
      const ct = Buffer.concat([c.update(data), c.final()]);
      const tag = c.getAuthTag();
      return () => {
        const d = nc.createDecipheriv('aes-128-gcm', key16, nonce);
        d.setAuthTag(tag);
        d.setAAD(aad);
        return [d.update(ct), d.final()];
      };
    },
  },
  {
    name: 'AES-128-CCM seal 16 KB', bytes: LARGE, unit: 'MB/s',
    provider: (p) => {
      const ccm = p.aesCcm(key16, 16);
      return () => ccm.seal(nonce, data, aad);
    },
    node: () => () => {
      const c = nc.createCipheriv('aes-128-ccm', key16, nonce, { authTagLength: 16 });
      c.setAAD(aad, { plaintextLength: data.length });
      return [c.update(data), c.final(), c.getAuthTag()];
    },
  },
  {
    name: 'AES-256-CBC encrypt 16 KB', bytes: LARGE, unit: 'MB/s',
    provider: (p) => {
      const cbc = p.aesCbc(key32);
      return () => cbc.encrypt(iv, data);
    },
    node: () => () => {
      const c = nc.createCipheriv('aes-256-cbc', key32, iv).setAutoPadding(false);
      return [c.update(data), c.final()];
    },
  },
  {
    name: 'AES-256-CBC decrypt 16 KB', bytes: LARGE, unit: 'MB/s',
    provider: (p) => {
      const cbc = p.aesCbc(key32);
      return () => cbc.decrypt(iv, data);
    },
    node: () => () => {
      const c = nc.createDecipheriv('aes-256-cbc', key32, iv).setAutoPadding(false);
      return [c.update(data), c.final()];
    },
  },
];


function symmetricSection(): Row[] {
  const providers: Array<[string, FullCryptoProvider]> = [
    ['noble', completeProvider(nobleProvider)],
    ['node', completeProvider(createNodeProvider())],
    ['espruino-stand-in', completeProvider(createEspruinoProvider(createEspruinoStandIn()))],
  ];
  const rows: Row[] = [];
  for (const c of SYM_CASES.filter((x) => x.name.includes(FILTER))) {
    const ops = measureInterleaved([c.node(), ...providers.map(([, p]) => c.provider(p))], MIN_MS, ROUNDS);
    const values = ops.map((o) => (c.unit === 'MB/s' ? (o * c.bytes) / 1e6 : o));
    const base = values[0]!;
    rows.push({ case: c.name, provider: 'node:crypto', value: base, unit: c.unit });
    providers.forEach(([label], i) => {
      const v = values[i + 1]!;
      rows.push({ case: c.name, provider: label, value: v, unit: c.unit, ratio: v / base });
    });
  }
  return rows;
}

/**
 * RSA-2048 and ECDSA from src/crypto against node:crypto, ops/s, on two paths: src/crypto's
 * own arithmetic (backend.ts: RSA on the WebAssembly kernel where the host has it, else
 * bigint.ts; noble ECDSA) and through the node provider's public-key operations
 * (src/crypto's padding and checks, OpenSSL's exponentiation): the second is what an MCU with
 * an RSA accelerator gets, with node:crypto standing in for the accelerator. ECDSA rows go
 * through verifySignature (message in, hash included, as X.509 and ServerKeyExchange use it):
 * the own-arithmetic row is the provider's hash then noble; the node provider has no digest op (node:crypto
 * cannot verify over a precomputed digest, see hw/node.ts) but has ecdsaVerifyMessage, so its
 * row is src/crypto's strict DER parse and checks plus one crypto.verify(hash, message, ...).
 */
function publicKeySection(): Row[] {
  const rows: Row[] = [];
  const viaNode = completeProvider(createNodeProvider());
  const pure = completeProvider(nobleProvider);
  const add = (name: string, node: () => unknown, ours: () => unknown, oursViaNode: () => unknown) => {
    if (!name.includes(FILTER)) return;
    const [base, mine, mineNode] = measureInterleaved([node, ours, oursViaNode], MIN_MS, ROUNDS) as [number, number, number];
    rows.push({ case: name, provider: 'node:crypto', value: base, unit: 'ops/s' });
    rows.push({ case: name, provider: 'microtls (src/crypto)', value: mine, unit: 'ops/s', ratio: mine / base });
    rows.push({ case: name, provider: 'microtls + node provider', value: mineNode, unit: 'ops/s', ratio: mineNode / base });
  };
  const random = nobleProvider.randomBytes;
  const message = new Uint8Array(nc.randomBytes(100));

  const rsaCases = ['RSA-2048 encrypt (PKCS#1 v1.5)', 'RSA-2048 verify SHA-256', 'RSA-2048 sign SHA-256'] as const;
  // Key generation only when a case will run (a filtered run should not pay for it).
  if (rsaCases.some((n) => n.includes(FILTER))) {
    const rsa = nc.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rsaPubPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    const rsaPrivPem = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const pub = importPublicKey(rsaPubPem);
    const priv = importPrivateKey(rsaPrivPem);
    if (pub.type !== 'rsa') throw new Error('expected an RSA public key');
    const premaster = new Uint8Array(48);
    const digest256 = new Uint8Array(nc.createHash('sha256').update(message).digest());
    const rsaSig = new Uint8Array(nc.sign('sha256', message, rsa.privateKey));
    if (!rsaVerifyPkcs1v15(pub, 'sha256', digest256, rsaSig)) throw new Error('RSA verify disagrees with node:crypto');
    if (!rsaVerifyPkcs1v15(pub, 'sha256', digest256, rsaSig, viaNode)) throw new Error('RSA verify via the node provider disagrees');
    add(rsaCases[0],
      () => nc.publicEncrypt({ key: rsa.publicKey, padding: nc.constants.RSA_PKCS1_PADDING }, premaster),
      () => rsaEncryptPkcs1v15(pub, premaster, random),
      () => rsaEncryptPkcs1v15(pub, premaster, random, viaNode));
    add(rsaCases[1],
      () => nc.verify('sha256', message, rsa.publicKey, rsaSig),
      () => rsaVerifyPkcs1v15(pub, 'sha256', digest256, rsaSig),
      () => rsaVerifyPkcs1v15(pub, 'sha256', digest256, rsaSig, viaNode));
    add(rsaCases[2],
      () => nc.sign('sha256', message, rsa.privateKey),
      () => rsaSignPkcs1v15(priv, 'sha256', digest256, random),
      () => rsaSignPkcs1v15(priv, 'sha256', digest256, random, viaNode));
  }

  const rsa1024Case = 'RSA-1024 sign SHA-256';
  if (rsa1024Case.includes(FILTER)) {
    // The reference device's smaller client key (its 1400 ms mode).
    const rsa = nc.generateKeyPairSync('rsa', { modulusLength: 1024 });
    const priv = importPrivateKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
    const digest256 = new Uint8Array(nc.createHash('sha256').update(message).digest());
    add(rsa1024Case,
      () => nc.sign('sha256', message, rsa.privateKey),
      () => rsaSignPkcs1v15(priv, 'sha256', digest256, random),
      () => rsaSignPkcs1v15(priv, 'sha256', digest256, random, viaNode));
  }

  for (const [curve, hash] of [['P-256', 'sha256'], ['P-384', 'sha384']] as const) {
    const name = `ECDSA ${curve} verify`;
    if (!name.includes(FILTER)) continue;
    const ec = nc.generateKeyPairSync('ec', { namedCurve: curve });
    const ecPub = importPublicKey(new Uint8Array(ec.publicKey.export({ type: 'spki', format: 'der' })));
    if (ecPub.type !== 'ec') throw new Error('expected an EC public key');
    const sig = new Uint8Array(nc.sign(hash, message, ec.privateKey));
    if (!verifySignature(pure, ecPub, hash, message, sig)) throw new Error(`ECDSA ${curve} verify disagrees with node:crypto`);
    if (!verifySignature(viaNode, ecPub, hash, message, sig)) throw new Error(`ECDSA ${curve} verify via the node provider disagrees`);
    add(name,
      () => nc.verify(hash, message, ec.publicKey, sig),
      () => verifySignature(pure, ecPub, hash, message, sig),
      () => verifySignature(viaNode, ecPub, hash, message, sig));
  }
  return rows;
}

const t0 = performance.now();
const sym = FILTER === 'backends' ? [] : symmetricSection();
if (sym.length > 0) printTable(`Symmetric crypto (Node ${process.version}, ${MIN_MS} ms per candidate and case, best of ${ROUNDS} interleaved rounds)`, sym);
const pk = FILTER === 'backends' ? [] : publicKeySection();
if (pk.length > 0) printTable(`Public-key crypto (src/crypto; Node ${process.version}, ${MIN_MS} ms per candidate and case, best of ${ROUNDS} interleaved rounds)`, pk);
// The big-integer backends (BigInt, limb) per engine: `npm run bench:crypto -- backends`.
if (FILTER === '' || FILTER === 'backends') await backendsSection(MIN_MS);
console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(1)} s`);
writeSectionJson({ symmetric: sym, publicKey: pk });
