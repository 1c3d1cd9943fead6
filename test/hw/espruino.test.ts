/**
 * The Espruino provider against a stand-in of Espruino's documented crypto API: the native
 * functions must really be the ones doing the work, with noble only where Espruino has nothing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { toHex } from '../../src/encoding/bytes.js';
import { completeProvider, createEspruinoProvider, digest, hmacOnce, nobleProvider } from '../../hw/index.js';
import { createEspruinoStandIn } from './espruino-standin.js';

test('SHA-x goes to the firmware once per digest; MD5 falls back to noble', () => {
  const standIn = createEspruinoStandIn();
  const p = completeProvider(createEspruinoProvider(standIn));
  const h = p.hash('sha256').update(new Uint8Array(10)).update(new Uint8Array(20));
  assert.is(standIn.calls.SHA256 ?? 0, 0, 'hashing must wait for digest()');
  assert.is(toHex(h.digest()), createHash('sha256').update(new Uint8Array(30)).digest('hex'));
  assert.is(standIn.calls.SHA256, 1);
  digest(p, 'sha512', new Uint8Array(3));
  digest(p, 'sha1', new Uint8Array(3));
  assert.is(standIn.calls.SHA512, 1);
  assert.is(standIn.calls.SHA1, 1);
  assert.is(toHex(digest(p, 'md5', new Uint8Array(0))), 'd41d8cd98f00b204e9800998ecf8427e');
});

test('HMAC runs on the firmware hash (inner and outer)', () => {
  const standIn = createEspruinoStandIn();
  const p = completeProvider(createEspruinoProvider(standIn));
  const mac = hmacOnce(p, 'sha384', new Uint8Array(48), new Uint8Array(100));
  assert.is(standIn.calls.SHA384, 2);
  assert.is(toHex(mac), toHex(hmacOnce(nobleProvider, 'sha384', new Uint8Array(48), new Uint8Array(100))));
});

test('a build without SHA-384/512 uses noble for them', () => {
  const standIn = createEspruinoStandIn({ sha512: false });
  const p = completeProvider(createEspruinoProvider(standIn));
  assert.is(toHex(digest(p, 'sha384', new Uint8Array(5))), createHash('sha384').update(new Uint8Array(5)).digest('hex'));
  assert.is(standIn.calls.SHA384, undefined);
});

test('buffered hashing moves to noble past the memory limit and stays correct', () => {
  const standIn = createEspruinoStandIn();
  const p = createEspruinoProvider(standIn, { maxBufferedHashBytes: 100 });
  const data = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  const h = p.hash!('sha256').update(data.subarray(0, 60));
  const early = h.clone();
  h.update(data.subarray(60, 150)).update(data.subarray(150));
  const late = h.clone();
  assert.is(toHex(h.digest()), createHash('sha256').update(data).digest('hex'));
  assert.is(toHex(late.update(data.subarray(0, 1)).digest()), createHash('sha256').update(data).update(data.subarray(0, 1)).digest('hex'));
  assert.is(toHex(early.digest()), createHash('sha256').update(data.subarray(0, 60)).digest('hex'));
  assert.is(standIn.calls.SHA256, 1, 'only the context under the limit used the firmware');
});

test('AES block and CBC are native; CCM runs on the native ECB block; GCM is noble', () => {
  const standIn = createEspruinoStandIn();
  const p = completeProvider(createEspruinoProvider(standIn));
  const key = new Uint8Array(32).fill(1);
  const iv = new Uint8Array(16).fill(2);
  const data = new Uint8Array(64).fill(3);
  const ct = p.aesCbc(key).encrypt(iv, data);
  assert.is(toHex(ct), toHex(nobleProvider.aesCbc(key).encrypt(iv, data)));
  assert.is(toHex(p.aesCbc(key).decrypt(iv, ct)), toHex(data));
  assert.is(standIn.calls['AES.encrypt.CBC'], 1);
  assert.is(standIn.calls['AES.decrypt.CBC'], 1);
  const big = new Uint8Array(3000).fill(4);
  const sealed = p.aesCcm(key.subarray(0, 16), 16).seal(new Uint8Array(12), big, new Uint8Array(13));
  // Bulk paths: B0 and S0 are single-block ECB calls, then one ECB call per 1 KiB chunk of
  // counters (3); CBC-MAC: the padded AAD, 3 chunks of the 2992 whole-block bytes, the padded tail.
  assert.is(standIn.calls['AES.encrypt.ECB'], 2 + 3, 'ECB calls');
  assert.is(standIn.calls['AES.encrypt.CBC'], 1 + (1 + 3 + 1), 'CBC calls (the first from the CBC check above)');
  assert.is(toHex(p.aesCcm(key.subarray(0, 16), 16).open(new Uint8Array(12), sealed, new Uint8Array(13))!), toHex(big));
  assert.is(toHex(sealed), toHex(nobleProvider.aesCcm(key.subarray(0, 16), 16).seal(new Uint8Array(12), big, new Uint8Array(13))));
  const before = standIn.calls['AES.encrypt.ECB'];
  p.aesGcm(key).seal(new Uint8Array(12), data, new Uint8Array(0));
  assert.is(standIn.calls['AES.encrypt.ECB'], before, 'GCM is not built on the firmware');
});

test('the provider keeps its own copy of the key', () => {
  const standIn = createEspruinoStandIn();
  const p = createEspruinoProvider(standIn);
  const key = new Uint8Array(16).fill(9);
  const block = p.aesBlock!(key);
  const expected = toHex(nobleProvider.aesBlock(key).encryptBlock(new Uint8Array(16)));
  key.fill(0);
  assert.is(toHex(block.encryptBlock(new Uint8Array(16))), expected);
});

test('a build without AES gets all AES from noble; randomWord feeds randomBytes', () => {
  const standIn = createEspruinoStandIn({ aes: false });
  let words = 0;
  const raw = createEspruinoProvider(standIn, {
    randomWord: () => {
      words++;
      return 0x04030201;
    },
  });
  assert.is(raw.aesBlock, undefined);
  assert.is(raw.aesCbc, undefined);
  const p = completeProvider(raw);
  assert.is(p.aesBlock(new Uint8Array(16)).encryptBlock(new Uint8Array(16)).length, 16);
  assert.equal([...p.randomBytes(6)], [1, 2, 3, 4, 1, 2]);
  assert.is(words, 2);
  assert.is(createEspruinoProvider(standIn).randomBytes, undefined, 'no RNG given: left to completeProvider');
});

test.run();
