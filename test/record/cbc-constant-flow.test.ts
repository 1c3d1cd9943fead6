/**
 * Lucky Thirteen: the MAC-then-encrypt CBC check must do the same hash work, in the same order,
 * whatever the (secret) padding length and whether the padding or the MAC is good. The
 * counting provider counts compression-function blocks; a logging wrapper around it records
 * the order of hash digests. Records are built by hand so that every padding length the
 * record length allows is covered, at every record length class across the hash block
 * boundaries, for the SHA-1 and SHA-256 suites.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { completeProvider, createCountingProvider, getDefaultProvider, hashBlocks, hmacOnce } from '../../hw/index.js';
import type { CryptoProvider, HashContext, HashName } from '../../hw/provider.js';
import { MicroTlsError } from '../../src/errors.js';
import { CbcProtection } from '../../src/record/cbc.js';
import { recordAad } from '../../src/record/protection.js';

const plainProvider = getDefaultProvider();
const KEY = new Uint8Array(16).fill(1);
const IV = new Uint8Array(16).fill(7);
const SEQ = Uint8Array.of(0, 0, 0, 0, 0, 0, 1, 2);

/** Records every digest() as "alg:compressions", so the test compares the order, not only the totals. */
function logging(inner: CryptoProvider, log: string[]): CryptoProvider {
  const wrap = (alg: HashName, h: HashContext, fed: number): HashContext => {
    let n = fed;
    const ctx: HashContext = {
      update(d) { n += d.length; h.update(d); return ctx; },
      digest() { log.push(`${alg}:${hashBlocks(alg, n)}`); return h.digest(); },
      clone() { return wrap(alg, h.clone(), n); },
    };
    return ctx;
  };
  return { ...inner, name: 'logging', hash: (alg) => wrap(alg, inner.hash!(alg), 0), hmac: undefined };
}

interface Work { blocks: number; calls: number; order: string }

function measure(hash: 'sha1' | 'sha256', record: Uint8Array): { work: Work; ok: boolean } {
  const log: string[] = [];
  const counting = createCountingProvider(logging(plainProvider, log));
  const provider = completeProvider(counting.provider);
  const macKey = new Uint8Array(hash === 'sha1' ? 20 : 32).fill(2);
  const p = new CbcProtection('t', provider, plainProvider.aesCbc(KEY), hash, macKey, (n) => new Uint8Array(n));
  counting.reset();
  log.length = 0;
  let ok = true;
  try {
    p.open(23, SEQ, record);
  } catch (e) {
    if (!(e instanceof MicroTlsError) || e.codeName !== 'MBEDTLS_ERR_SSL_INVALID_MAC') throw e;
    ok = false;
  }
  const c = counting.counts();
  return { work: { blocks: c.hash[hash].blocks + c.hmac[hash].blocks, calls: c.hash[hash].calls + c.hmac[hash].calls, order: log.join(',') }, ok };
}

/** IV || CBC(data || MAC || padLen+1 bytes of value padLen); `corrupt` breaks the padding or the MAC. */
function record(hash: 'sha1' | 'sha256', total: number, padLen: number, corrupt: 'none' | 'pad' | 'mac'): Uint8Array {
  const macLen = hash === 'sha1' ? 20 : 32;
  const dataLen = total - macLen - padLen - 1;
  const data = new Uint8Array(dataLen).map((_, i) => (i * 31) & 0xff);
  const mac = hmacOnce(plainProvider, hash, new Uint8Array(macLen).fill(2), new Uint8Array([...recordAad(SEQ, 23, dataLen), ...data]));
  const plain = new Uint8Array(total);
  plain.set(data, 0);
  plain.set(mac, dataLen);
  plain.fill(padLen, dataLen + macLen);
  if (corrupt === 'mac') plain[dataLen]! ^= 1;
  if (corrupt === 'pad' && padLen > 0) plain[total - 2]! ^= 1;
  if (corrupt === 'pad' && padLen === 0) plain[total - 1] = 255; // claims more padding than the record holds, or a wrong byte
  const ct = plainProvider.aesCbc(KEY).encrypt(IV, plain);
  const out = new Uint8Array(16 + ct.length);
  out.set(IV, 0);
  out.set(ct, 16);
  return out;
}

for (const hash of ['sha1', 'sha256'] as const) {
  test(`HMAC-${hash.toUpperCase()} MAC-then-encrypt: the same hash work in the same order for every padding length, good or bad, at every length class`, () => {
    const macLen = hash === 'sha1' ? 20 : 32;
    const minBlocks = Math.ceil((macLen + 1) / 16);
    let checked = 0;
    // Record sizes: the smallest ones, the ones around 256 bytes of padding (where the
    // candidate window stops growing) and larger ones; four consecutive AES block counts
    // make one hash block, so each group crosses every block boundary of the MAC input.
    const sizes = [...[0, 1, 2, 3, 4, 5].map((b) => minBlocks + b), 16, 17, 18, 19, 20, 23, 24, 25, 26];
    for (const blocks of sizes) {
      const total = blocks * 16;
      const reference = measure(hash, record(hash, total, 0, 'mac')).work;
      const maxPad = Math.min(255, total - macLen - 1);
      for (let padLen = 0; padLen <= maxPad; padLen++) {
        // Every padding length good; bad padding and bad MAC at every 7th one and the ends.
        const kinds = padLen % 7 === 0 || padLen === maxPad ? (['none', 'pad', 'mac'] as const) : (['none'] as const);
        for (const corrupt of kinds) {
          const { work, ok } = measure(hash, record(hash, total, padLen, corrupt));
          assert.is(ok, corrupt === 'none', `${total}-byte record, padding ${padLen}, ${corrupt}: verdict`);
          if (work.blocks !== reference.blocks || work.calls !== reference.calls || work.order !== reference.order) {
            assert.unreachable(`${total}-byte record, padding ${padLen}, ${corrupt}: ${work.blocks} compressions in ${work.calls} digests, ` +
              `but ${reference.blocks} in ${reference.calls} for a bad MAC with no padding (order ${work.order === reference.order ? 'same' : 'differs'})`);
          }
          checked++;
        }
      }
    }
    assert.ok(checked > 2000, `${checked} records checked`);
  });
}

test('round trip through seal and open still works for every plaintext length class', () => {
  for (const hash of ['sha1', 'sha256'] as const) {
    const p = new CbcProtection('t', plainProvider, plainProvider.aesCbc(KEY), hash, new Uint8Array(20).fill(4), (n) => new Uint8Array(n).fill(9));
    for (const n of [0, 1, 11, 12, 13, 43, 44, 55, 56, 64, 100, 1000, 16384]) {
      const data = new Uint8Array(n).map((_, i) => i & 0xff);
      assert.equal(p.open(23, SEQ, p.seal(23, SEQ, data)), data, `${hash} ${n} bytes`);
    }
  }
});

test.run();
