/** The counting provider's numbers, checked against hand-computed padding and block arithmetic. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toHex } from '../../src/encoding/bytes.js';
import { completeProvider, createCountingProvider, hashBlocks, nobleProvider } from '../../hw/index.js';

test('hash blocks follow Merkle-Damgard padding', () => {
  const { provider, counts } = createCountingProvider(nobleProvider);
  const sha = (n: number) => provider.hash!('sha256').update(new Uint8Array(n)).digest();
  sha(55);
  assert.is(counts().hash.sha256.blocks, 1, '55 bytes fit one block with 0x80 and the 8-byte length');
  sha(56);
  assert.is(counts().hash.sha256.blocks, 3, '56 bytes need a second block');
  assert.is(counts().hash.sha256.calls, 2);
  assert.is(counts().hash.sha256.bytes, 111);
  assert.is(hashBlocks('sha256', 0), 1);
  assert.is(hashBlocks('sha256', 64), 2);
  assert.is(hashBlocks('sha256', 119), 2);
  assert.is(hashBlocks('sha256', 120), 3);
  // 128-byte blocks and a 16-byte length field for SHA-384/512.
  assert.is(hashBlocks('sha512', 111), 1);
  assert.is(hashBlocks('sha512', 112), 2);
  assert.is(hashBlocks('sha384', 239), 2);
  assert.is(hashBlocks('sha384', 240), 3);
  assert.is(hashBlocks('md5', 55), 1);
  assert.is(hashBlocks('sha1', 56), 2);
});

test('clone carries the bytes already fed; results are unchanged by counting', () => {
  const { provider, counts } = createCountingProvider(nobleProvider);
  const h = provider.hash!('sha384').update(new Uint8Array(100));
  const c = h.clone().update(new Uint8Array(20));
  assert.is(toHex(c.digest()), toHex(nobleProvider.hash('sha384').update(new Uint8Array(120)).digest()));
  assert.is(counts().hash.sha384.bytes, 120);
  assert.is(counts().hash.sha384.blocks, 2);
  h.digest();
  assert.is(counts().hash.sha384.blocks, 3);
});

test('HMAC counts key hashing, inner and outer hashes', () => {
  const { provider, counts } = createCountingProvider(nobleProvider);
  provider.hmac!('sha256', new Uint8Array(32)).update(new Uint8Array(0)).digest();
  // inner: 64 (ipad) + 0 -> 2 blocks; outer: 64 + 32 -> 2 blocks
  assert.is(counts().hmac.sha256.blocks, 4);
  provider.hmac!('sha256', new Uint8Array(100)).update(new Uint8Array(100)).digest();
  // key 100 -> 2; inner 164 -> 3; outer 96 -> 2
  assert.is(counts().hmac.sha256.blocks, 4 + 7);
  assert.is(counts().hmac.sha256.calls, 2);
  assert.is(counts().hmac.sha256.bytes, 100);
});

test('HMAC built on a counted hash shows up as hash work', () => {
  const { provider, counts } = createCountingProvider({ name: 'hash-only', hash: nobleProvider.hash });
  const full = completeProvider(provider);
  full.hmac('sha1', new Uint8Array(20)).update(new Uint8Array(10)).digest();
  // inner 64+10 -> 2 blocks, outer 64+20 -> 2 blocks
  assert.is(counts().hash.sha1.blocks, 4);
  assert.is(counts().hash.sha1.calls, 2);
  assert.is(counts().hmac.sha1.calls, 0);
});

test('AES blocks and bytes per mode, key setups, random bytes, reset', () => {
  const { provider, counts, reset } = createCountingProvider(nobleProvider);
  const key = new Uint8Array(16);
  const gcm = provider.aesGcm!(key);
  gcm.seal(new Uint8Array(12), new Uint8Array(16384), new Uint8Array(13));
  let k = counts();
  assert.is(k.aes.gcm.blocks, 1024 + 1);
  assert.is(k.aes.gcm.bytes, 16384);
  assert.is(k.ghashBlocks, 1 + 1024 + 1);
  const ccm = provider.aesCcm!(key, 8);
  const sealed = ccm.seal(new Uint8Array(12), new Uint8Array(17), new Uint8Array(13));
  // MAC: B0 + (2+13 -> 1) + (17 -> 2) = 4; CTR: 2 + S0 = 3
  assert.is(counts().aes.ccm.blocks, 7);
  ccm.open(new Uint8Array(12), sealed, new Uint8Array(13));
  assert.is(counts().aes.ccm.blocks, 14);
  assert.is(counts().aes.ccm.calls, 2);
  provider.aesCbc!(new Uint8Array(32)).encrypt(new Uint8Array(16), new Uint8Array(48));
  provider.aesBlock!(key).encryptBlock(new Uint8Array(16));
  provider.randomBytes!(40);
  k = counts();
  assert.is(k.aes.cbc.blocks, 3);
  assert.is(k.aes.block.blocks, 1);
  assert.is(k.aes.keySetups, 4);
  assert.equal(k.random, { calls: 1, bytes: 40 });
  // Snapshots do not move.
  provider.randomBytes!(1);
  assert.is(k.random.bytes, 40);
  reset();
  k = counts();
  assert.is(k.aes.gcm.blocks + k.aes.ccm.blocks + k.aes.keySetups + k.random.bytes + k.ghashBlocks, 0);
  // Ciphers created before reset() count into the new totals.
  gcm.seal(new Uint8Array(12), new Uint8Array(1), new Uint8Array(0));
  assert.is(counts().aes.gcm.blocks, 2);
});

test('CCM built on a counted block cipher counts the same blocks as the CCM model', () => {
  const { provider, counts } = createCountingProvider({ name: 'block-only', aesBlock: nobleProvider.aesBlock });
  const full = completeProvider(provider);
  full.aesCcm(new Uint8Array(16), 8).seal(new Uint8Array(12), new Uint8Array(17), new Uint8Array(13));
  // Same 7 blocks as the aesCcm count above, now seen as block-cipher work (bulk calls included).
  assert.is(counts().aes.block.blocks, 7);
  assert.ok(counts().aes.block.calls < 7, 'bulk paths should have been used');
});

test('counting exposes only the operations its inner provider has', () => {
  const { provider } = createCountingProvider({ name: 'x', hash: nobleProvider.hash });
  assert.is(provider.name, 'counting(x)');
  assert.ok(provider.hash);
  assert.is(provider.aesGcm, undefined);
  assert.is(provider.hmac, undefined);
});

test.run();
