/**
 * The cost model's modular-multiplication and wire counts: the window schedules checked
 * against hand-computed sums, and the counting provider adding them at its public-key hooks.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { generateKeyPairSync, createHash } from 'node:crypto';
import { createCountingProvider, nobleProvider } from '../../hw/index.js';
import { toHex } from '../../src/encoding/bytes.js';
import { createNodeProvider } from '../../hw/node.js';
import { BLINDING_REFRESH_USES, ecdsaVerifyMultiplications, rsaPrivateMultiplications, rsaPublicMultiplications, sizeClass } from '../../hw/modmul-schedule.js';
import { importPrivateKey } from '../../src/crypto/keys.js';
import { rsaSignPkcs1v15 } from '../../src/crypto/rsa.js';
import type { RsaPrivateKey } from '../../src/crypto/key-types.js';

const modulus = (bits: number) => {
  const n = new Uint8Array(bits / 8);
  n[0] = 0x80;
  n[n.length - 1] = 1;
  return n;
};

test('public exponent 65537: 16 squarings and 1 multiplication at the modulus size', () => {
  assert.equal(rsaPublicMultiplications(modulus(2048), Uint8Array.of(1, 0, 1)), { '2048': 17 });
  assert.equal(rsaPublicMultiplications(modulus(1024), Uint8Array.of(3)), { '1024': 2 });
  // Counts accumulate into the object given.
  const into = { '2048': 1 };
  rsaPublicMultiplications(modulus(2048), Uint8Array.of(1, 0, 1), into);
  assert.equal(into, { '2048': 18 });
});

test('size classes round up to 256 bits', () => {
  assert.is(sizeClass(2047), 2048);
  assert.is(sizeClass(1024), 1024);
  assert.is(sizeClass(521), 768);
  assert.is(sizeClass(100), 256);
});

test('CRT private operation: two fixed-window exponentiations at half size plus the full-size steps', () => {
  const half = (bits: number) => modulus(bits);
  const key = { modulus: modulus(2048), prime1: half(1024), prime2: half(1024), exponent1: half(1024), exponent2: half(1024) };
  // w = 6 for 1024-bit exponents: 171 digits; table 62, squarings 6 * 170, multiplications 171.
  const perHalf = 62 + 6 * 170 + 171;
  assert.equal(rsaPrivateMultiplications(key), { '1024': 2 * perHalf + 1, '2048': 5 });
  const key1024 = { modulus: modulus(1024), prime1: half(512), prime2: half(512), exponent1: half(512), exponent2: half(512) };
  // w = 5 for 512-bit exponents: 103 digits.
  const perHalf512 = 30 + 5 * 102 + 103;
  assert.equal(rsaPrivateMultiplications(key1024), { '512': 2 * perHalf512 + 1, '1024': 5 });
});

test('a key\'s first private operation draws the blinding pair: r^e mod n instead of squaring the pair', () => {
  const key = { modulus: modulus(2048), publicExponent: Uint8Array.of(1, 0, 1), prime1: modulus(1024), prime2: modulus(1024), exponent1: modulus(1024), exponent2: modulus(1024) };
  const later = rsaPrivateMultiplications(key);
  const first = rsaPrivateMultiplications(key, {}, true);
  assert.is(first['1024'], later['1024']);
  // 17 products of r^65537 in place of the 2 squarings of the pair.
  assert.is(first['2048']! - later['2048']!, 17 - 2);
  assert.throws(() => rsaPrivateMultiplications({ ...key, publicExponent: undefined }, {}, true), /public exponent/);
});

test('ECDSA estimate scales with the field size', () => {
  assert.equal(ecdsaVerifyMultiplications('P-256'), { '256': 13 * 256 });
  assert.equal(ecdsaVerifyMultiplications('P-384'), { '512': 13 * 384 });
});

test('the counting provider adds multiplications at rsaPrivate and rsaPublic (the signature check), first and later uses apart', () => {
  const counting = createCountingProvider(createNodeProvider());
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = importPrivateKey(pem) as RsaPrivateKey;
  const digest = new Uint8Array(createHash('sha256').update('m').digest());
  const sign = (k: RsaPrivateKey) => rsaSignPkcs1v15(k, 'sha256', digest, (n) => new Uint8Array(n).fill(7), counting.provider);
  sign(key);
  const c = counting.counts();
  assert.is(c.publicKey.rsaPrivate.calls, 1);
  assert.is(c.publicKey.rsaPublic.calls, 1, 'the signature is checked with the public key before release');
  // The CRT exponents' lengths vary with the key (dP may have 1023 bits or fewer): the
  // schedule's own count for this key (checked by hand above), plus the check's 17 products.
  const first = rsaPrivateMultiplications(key, {}, true);
  first['2048'] = first['2048']! + 17;
  assert.equal(c.modMul, first, 'a fresh key object: its first use');
  assert.equal(c.modInverse, { '2048': 1 }, 'the blinding pair\'s inversion, counted apart');
  assert.ok(c.modMul['1024']! > 2400 && c.modMul['1024']! <= 2 * (62 + 6 * 170 + 171) + 1, `about 2 x 1253 half-size products: ${c.modMul['1024']}`);
  counting.reset();
  assert.equal(counting.counts().modMul, {});
  sign(key);
  const later = rsaPrivateMultiplications(key);
  later['2048'] = later['2048']! + 17;
  assert.equal(counting.counts().modMul, later, 'the same key object again: a later use');
  assert.equal(counting.counts().modInverse, {});
  counting.reset();
  // The same key parsed again (as connect({ cert, key }) does per connection) is a new object: a first use.
  sign(importPrivateKey(pem) as RsaPrivateKey);
  assert.equal(counting.counts().modMul, first);
  // The pair is drawn afresh after BLINDING_REFRESH_USES uses (bigint.ts): uses 2..64 are later ones, the 65th a first.
  // `key` has been used twice: uses 3 to 65 follow.
  let inversions = 0;
  for (let i = 3; i <= BLINDING_REFRESH_USES + 1; i++) {
    counting.reset();
    sign(key);
    inversions += counting.counts().modInverse['2048'] ?? 0;
  }
  assert.is(inversions, 1);
  assert.equal(counting.counts().modMul, first);
});

test('wire: bytes each way, and a round trip each time data arrives after the client sent', () => {
  const counting = createCountingProvider(createNodeProvider());
  counting.noteSent(100); // ClientHello
  counting.noteReceived(1000); // ServerHello .. ServerHelloDone, in two TCP chunks
  counting.noteReceived(500);
  counting.noteSent(300); // ClientKeyExchange .. Finished
  counting.noteSent(0);
  counting.noteReceived(51); // ChangeCipherSpec, Finished
  assert.equal(counting.counts().wire, { bytesSent: 400, bytesReceived: 1551, roundTrips: 2 });
  counting.reset();
  counting.noteReceived(10); // unsolicited data is no round trip
  assert.equal(counting.counts().wire, { bytesSent: 0, bytesReceived: 10, roundTrips: 0 });
});

test('HMAC clones (the PRF\'s keyed templates) pay no keying blocks on a streaming engine, and pay them per digest on a buffered one', () => {
  const counting = createCountingProvider(nobleProvider);
  const template = counting.provider.hmac!('sha256', new Uint8Array(32));
  assert.ok(template.clone, 'clone passed through when the inner context has it');
  assert.is(counting.counts().hmac.sha256.streamingBlocks, 2, 'key ^ ipad and key ^ opad, compressed once on a streaming engine');
  assert.is(counting.counts().hmac.sha256.blocks, 0, 'a buffered engine only stores them');
  const a = template.clone!().update(new Uint8Array(10)).digest();
  template.clone!().update(new Uint8Array(10)).digest();
  // Per digest: inner 64 + 10 -> 2 blocks, outer 64 + 32 -> 2 blocks; streaming, less the two keyed ones.
  assert.is(counting.counts().hmac.sha256.streamingBlocks, 2 + 2 + 2);
  assert.is(counting.counts().hmac.sha256.blocks, 4 + 4, 'a buffered engine hashes the keyed blocks again in each digest');
  assert.is(counting.counts().hmacKeySetups, 1);
  assert.is(counting.counts().hmacClones, 2);
  assert.is(toHex(a), toHex(nobleProvider.hmac('sha256', new Uint8Array(32)).update(new Uint8Array(10)).digest()));
  const node = createCountingProvider(createNodeProvider()).provider.hmac!('sha256', new Uint8Array(32));
  assert.is(node.clone, undefined, 'no clone where the inner context has none (routing unchanged)');
});

test('streaming hash blocks: a clone pays only for what it adds; buffered blocks pay the whole input', () => {
  const counting = createCountingProvider(nobleProvider);
  const transcript = counting.provider.hash!('sha256').update(new Uint8Array(1000));
  transcript.clone().digest(); // 1000 bytes: 15 full blocks fed, then 1 final block
  transcript.update(new Uint8Array(100)).clone().digest(); // 1100: 17 full, then 1 final
  const c = counting.counts().hash.sha256;
  assert.is(c.streamingBlocks, 17 + 1 + 1);
  assert.is(c.blocks, 16 + 18, 'each digest hashes everything fed');
});

test.run();
