/**
 * The Espruino provider against a stand-in of Espruino's documented crypto API: the native
 * functions must really be the ones doing the work, and nothing may come from noble (the
 * Espruino bundle has none): what the firmware lacks is built on what it has or refused.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { toHex } from '../../src/encoding/bytes.js';
import { completeProvider, createEspruinoProvider, digest, hmacOnce, nobleProvider } from '../../hw/index.js';
import { createEspruinoStandIn } from './espruino-standin.js';
import { thrownCodeName } from '../helpers/thrown.js';

test('SHA-x goes to the firmware once per digest; MD5 (not in the firmware) is refused', () => {
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
  assert.is(thrownCodeName(() => digest(p, 'md5', new Uint8Array(0))), 'MBEDTLS_ERR_MD_FEATURE_UNAVAILABLE');
});

test('HMAC runs on the firmware hash (inner and outer)', () => {
  const standIn = createEspruinoStandIn();
  const p = completeProvider(createEspruinoProvider(standIn));
  const mac = hmacOnce(p, 'sha384', new Uint8Array(48), new Uint8Array(100));
  assert.is(standIn.calls.SHA384, 2);
  assert.is(toHex(mac), toHex(hmacOnce(nobleProvider, 'sha384', new Uint8Array(48), new Uint8Array(100))));
});

test('a build without SHA-384/512 refuses them instead of running a software hash', () => {
  const standIn = createEspruinoStandIn({ sha512: false });
  const p = completeProvider(createEspruinoProvider(standIn));
  assert.is(thrownCodeName(() => digest(p, 'sha384', new Uint8Array(5))), 'MBEDTLS_ERR_MD_FEATURE_UNAVAILABLE');
});

test('buffered hashing: many updates, clones at any point, one native call per digest', () => {
  const standIn = createEspruinoStandIn();
  const p = createEspruinoProvider(standIn);
  const data = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  const h = p.hash!('sha256');
  const clones: { at: number; ctx: ReturnType<typeof h.clone> }[] = [];
  for (let i = 0; i < 300; i += 10) {
    const chunk = new Uint8Array(data.subarray(i, i + 10));
    h.update(chunk);
    chunk.fill(0xee); // the context must have taken a copy
    if (i % 70 === 0) clones.push({ at: i + 10, ctx: h.clone() });
  }
  assert.is(toHex(h.digest()), createHash('sha256').update(data).digest('hex'));
  for (const c of clones) assert.is(toHex(c.ctx.digest()), createHash('sha256').update(data.subarray(0, c.at)).digest('hex'), `clone at ${c.at}`);
  assert.is(standIn.calls.SHA256, 1 + clones.length);
});

test('AES block and CBC are native; CCM and GCM run on the native ECB block', () => {
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
  const before = standIn.calls['AES.encrypt.ECB']!;
  const gcm = p.aesGcm(key);
  const gcmSealed = gcm.seal(new Uint8Array(12), big, new Uint8Array(13));
  assert.is(toHex(gcmSealed), toHex(nobleProvider.aesGcm(key).seal(new Uint8Array(12), big, new Uint8Array(13))));
  // H at key set-up, then the 189 counter blocks (J0 included) of the record in 1 KiB native calls (3).
  assert.is(standIn.calls['AES.encrypt.ECB'], before + 1 + 3, 'GCM counters go to the firmware in 1 KiB chunks');
  assert.is(toHex(gcm.open(new Uint8Array(12), gcmSealed, new Uint8Array(13))!), toHex(big));
});

test('bulk CBC in 1 KiB native calls chains correctly; a native result the firmware could not allocate is SSL_ALLOC_FAILED', () => {
  const standIn = createEspruinoStandIn();
  const p = completeProvider(createEspruinoProvider(standIn));
  const key = new Uint8Array(16).fill(5);
  const iv = new Uint8Array(16).fill(6);
  const data = Uint8Array.from({ length: 3008 }, (_, i) => (i * 13) & 0xff);
  const ct = p.aesCbc(key).encrypt(iv, data);
  assert.is(toHex(ct), toHex(nobleProvider.aesCbc(key).encrypt(iv, data)));
  assert.is(toHex(p.aesCbc(key).decrypt(iv, ct)), toHex(data));
  assert.is(standIn.calls['AES.encrypt.CBC'], 3);
  // Espruino returns undefined when no flat buffer of that size is free.
  const starved = createEspruinoStandIn();
  starved.AES!.encrypt = () => undefined as unknown as ArrayBuffer;
  const q = completeProvider(createEspruinoProvider(starved));
  assert.is(thrownCodeName(() => q.aesCbc(key).encrypt(iv, data)), 'MBEDTLS_ERR_SSL_ALLOC_FAILED');
  assert.is(thrownCodeName(() => q.aesGcm(key)), 'MBEDTLS_ERR_SSL_ALLOC_FAILED');
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

test('a build without AES leaves AES to completeProvider; randomWord feeds randomBytes', () => {
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
  assert.is(raw.aesGcm, undefined);
  const p = completeProvider(raw);
  assert.equal([...p.randomBytes(6)], [1, 2, 3, 4, 1, 2]);
  assert.is(words, 2);
  assert.is(createEspruinoProvider(standIn).randomBytes, undefined, 'no RNG given: left to completeProvider');
});

test.run();
