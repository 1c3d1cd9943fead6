import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, createHmac } from 'node:crypto';
import { completeProvider } from '../../hw/complete.js';
import { nobleProvider } from '../../hw/noble.js';
import { createNodeProvider } from '../../hw/node.js';
import { MicroTlsError } from '../../src/errors.js';
import { toHex } from '../../src/encoding/bytes.js';
import { classicMasterSecret, deriveMasterSecret, extendedMasterSecret } from '../../src/session/ems.js';

/** RFC 5246 5 P_hash written from the RFC with node:crypto only, independent of src/crypto/prf.ts. */
function referencePrf(hash: 'sha256' | 'sha384', secret: Uint8Array, label: string, seed: Uint8Array, length: number): string {
  const labelSeed = Buffer.concat([Buffer.from(label, 'ascii'), seed]);
  let a: Buffer = labelSeed;
  let out = Buffer.alloc(0);
  while (out.length < length) {
    a = createHmac(hash, secret).update(a).digest();
    out = Buffer.concat([out, createHmac(hash, secret).update(Buffer.concat([a, labelSeed])).digest()]);
  }
  return out.subarray(0, length).toString('hex');
}

const bytes = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed * 101) & 0xff);
const PRE_MASTER = Uint8Array.from([3, 3, ...bytes(46, 1)]);
const CLIENT_RANDOM = bytes(32, 2);
const SERVER_RANDOM = bytes(32, 3);
const PROVIDERS = [completeProvider(nobleProvider), completeProvider(createNodeProvider())];

for (const hash of ['sha256', 'sha384'] as const) {
  test(`extended master secret (${hash}) matches an independent PRF`, () => {
    const sessionHash = createHash(hash).update('ClientHello..ClientKeyExchange').digest();
    const expected = referencePrf(hash, PRE_MASTER, 'extended master secret', sessionHash, 48);
    for (const p of PROVIDERS) {
      assert.is(toHex(extendedMasterSecret(p, hash, PRE_MASTER, sessionHash)), expected, p.name);
      assert.is(toHex(deriveMasterSecret(p, hash, PRE_MASTER, { extendedMasterSecret: true, sessionHash })), expected, p.name);
    }
  });

  test(`classic master secret (${hash}) matches an independent PRF`, () => {
    const seed = Buffer.concat([CLIENT_RANDOM, SERVER_RANDOM]);
    const expected = referencePrf(hash, PRE_MASTER, 'master secret', seed, 48);
    for (const p of PROVIDERS) {
      assert.is(toHex(classicMasterSecret(p, hash, PRE_MASTER, CLIENT_RANDOM, SERVER_RANDOM)), expected, p.name);
      assert.is(toHex(deriveMasterSecret(p, hash, PRE_MASTER, { extendedMasterSecret: false, clientRandom: CLIENT_RANDOM, serverRandom: SERVER_RANDOM })), expected);
    }
  });
}

test('extended and classic secrets differ, and the session hash matters', () => {
  const p = PROVIDERS[0]!;
  const h1 = createHash('sha256').update('a').digest();
  const h2 = createHash('sha256').update('b').digest();
  const ems1 = toHex(extendedMasterSecret(p, 'sha256', PRE_MASTER, h1));
  assert.is(ems1.length, 96);
  assert.is.not(ems1, toHex(extendedMasterSecret(p, 'sha256', PRE_MASTER, h2)));
  assert.is.not(ems1, toHex(classicMasterSecret(p, 'sha256', PRE_MASTER, CLIENT_RANDOM, SERVER_RANDOM)));
});

test('wrong input lengths are internal errors', () => {
  const p = PROVIDERS[0]!;
  const internal = (e: unknown) => e instanceof MicroTlsError && e.codeName === 'MBEDTLS_ERR_SSL_INTERNAL_ERROR';
  assert.throws(() => extendedMasterSecret(p, 'sha384', PRE_MASTER, new Uint8Array(32)), internal);
  assert.throws(() => extendedMasterSecret(p, 'sha256', PRE_MASTER, new Uint8Array(48)), internal);
  assert.throws(() => classicMasterSecret(p, 'sha256', PRE_MASTER, new Uint8Array(31), SERVER_RANDOM), internal);
  assert.throws(() => classicMasterSecret(p, 'sha256', PRE_MASTER, CLIENT_RANDOM, new Uint8Array(33)), internal);
});

test.run();
