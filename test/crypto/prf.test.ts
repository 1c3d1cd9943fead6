/**
 * TLS 1.2 PRF. Known answers: the P_SHA256 / P_SHA384 vectors posted to the IETF TLS list
 * (https://www.ietf.org/mail-archive/web/tls/current/msg03416.html, used by BearSSL's and
 * many other test suites; the P_SHA384 output was re-checked with `openssl kdf TLS1-PRF`),
 * plus a cross-check against an independent P_hash written here on node:crypto createHmac,
 * for many lengths around the block boundaries.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import crypto from 'node:crypto';
import { completeProvider, getDefaultProvider, nobleProvider } from '../../hw/index.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { prf } from '../../src/crypto/prf.js';

const provider = getDefaultProvider();

test('P_SHA256 known answer (100 bytes)', () => {
  const out = prf(provider, 'sha256', fromHex('9bbe436ba940f017b17652849a71db35'), 'test label', fromHex('a0ba9f936cda311827a6f796ffd5198c'), 100);
  assert.is(
    toHex(out),
    'e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7077def17abfd3797c0564bab' +
      '4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66',
  );
});

test('P_SHA384 known answer (148 bytes)', () => {
  const want =
    '7b0c18e9ced410ed1804f2cfa34a336a1c14dffb4900bb5fd7942107e81c83cde9ca0faa60be9fe34f82b1233c9146a0e534cb400fed2700884f9dc236f80edd' +
    '8bfa961144c9e8d792eca722a7b32fc3d416d473ebc2c5fd4abfdad05d9184259b5bf8cd4d90fa0d31e2dec479e4f1a26066f2eea9a69236a3e52655c9e9aee6' +
    '91c8f3a26854308d5eaa3be85e0990703d73e56f';
  assert.is(want.length, 296);
  const out = prf(provider, 'sha384', fromHex('b80b733d6ceefcdc71566ea48e5567df'), 'test label', fromHex('cd665cf6a8447dd6ff8b27555edb7465'), 148);
  assert.is(toHex(out), want);
});

function nodePrf(hash: 'sha256' | 'sha384', secret: Uint8Array, label: string, seed: Uint8Array, length: number): string {
  const ls = Buffer.concat([Buffer.from(label, 'latin1'), seed]);
  let a: Buffer = ls;
  let out = Buffer.alloc(0);
  while (out.length < length) {
    a = crypto.createHmac(hash, secret).update(a).digest();
    out = Buffer.concat([out, crypto.createHmac(hash, secret).update(a).update(ls).digest()]);
  }
  return out.subarray(0, length).toString('hex');
}

test('matches an independent node:crypto P_hash for many lengths, secrets and both hashes', () => {
  for (const hash of ['sha256', 'sha384'] as const) {
    for (const length of [0, 1, 12, 31, 32, 33, 47, 48, 49, 64, 96, 104, 128, 200]) {
      const secret = new Uint8Array(crypto.randomBytes(48));
      const seed = new Uint8Array(crypto.randomBytes(64));
      assert.is(toHex(prf(provider, hash, secret, 'key expansion', seed, length)), nodePrf(hash, secret, 'key expansion', seed, length));
    }
  }
  // A secret longer than the HMAC block is hashed first (RFC 2104); cover that path too.
  const long = new Uint8Array(crypto.randomBytes(200));
  assert.is(toHex(prf(provider, 'sha384', long, 'master secret', new Uint8Array(64), 48)), nodePrf('sha384', long, 'master secret', new Uint8Array(64), 48));
});

test('uses the provider HMAC (an accelerator is honoured)', () => {
  let calls = 0;
  const inner = completeProvider(nobleProvider);
  const counting = { ...inner, hmac: (alg: Parameters<typeof inner.hmac>[0], key: Uint8Array) => { calls++; return inner.hmac(alg, key); } };
  const out = prf(counting, 'sha256', new Uint8Array(48), 'client finished', new Uint8Array(32), 12);
  // Keyed once per PRF call: later HMACs clone the keyed context when it can be cloned.
  assert.ok(calls >= 1);
  assert.is(toHex(out), nodePrf('sha256', new Uint8Array(48), 'client finished', new Uint8Array(32), 12));
});

test('rejects other hashes and bad lengths', () => {
  assert.throws(() => prf(provider, 'sha1' as 'sha256', new Uint8Array(1), 'x', new Uint8Array(0), 1), /BAD_INPUT/);
  assert.throws(() => prf(provider, 'sha256', new Uint8Array(1), 'x', new Uint8Array(0), -1), /BAD_INPUT/);
});

test.run();
