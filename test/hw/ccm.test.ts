/**
 * hw/ccm.ts on its own, over every Wycheproof CCM parameter set (nonce 7..13 bytes, tags
 * 4..16 bytes, and the invalid sizes, which must be refused with CCM_BAD_INPUT), on two
 * different block ciphers to show it is generic over AesBlockCipher.
 */
import { test } from 'uvu';
import { createCipheriv } from 'node:crypto';
import * as assert from 'uvu/assert';
import { MicroTlsError } from '../../src/errors.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { ccmAead } from '../../hw/ccm.js';
import { nobleProvider, type AesBlockCipher } from '../../hw/index.js';
import { createNodeProvider } from '../../hw/node.js';
import { loadWycheproof, wycheproofCases, WycheproofTally, type AeadGroup } from '../vectors/wycheproof.js';

const node = createNodeProvider();
/** A block cipher offering the optional bulk paths (node:crypto ECB/CBC), so CCM's chunked code runs too. */
function bulkEngine(key: Uint8Array): AesBlockCipher {
  const block = nobleProvider.aesBlock(key);
  const bits = key.length * 8;
  let calls = 0;
  return {
    encryptBlock: (b) => block.encryptBlock(b),
    encryptBlocks(blocks) {
      calls++;
      const c = createCipheriv(`aes-${bits}-ecb`, key, null).setAutoPadding(false);
      return new Uint8Array(Buffer.concat([c.update(blocks), c.final()]));
    },
    cbcMacBlocks(iv, blocks) {
      calls++;
      const c = createCipheriv(`aes-${bits}-cbc`, key, iv).setAutoPadding(false);
      return new Uint8Array(Buffer.concat([c.update(blocks), c.final()]).subarray(-16));
    },
    get bulkCalls() {
      return calls;
    },
  } as AesBlockCipher;
}

const BLOCKS: ReadonlyArray<[string, (key: Uint8Array) => AesBlockCipher]> = [
  ['ccm.ts on noble block', nobleProvider.aesBlock],
  ['ccm.ts on node block', (k) => node.aesBlock!(k)],
  ['ccm.ts on a bulk engine', bulkEngine],
];

function badInput(fn: () => unknown): boolean {
  try {
    fn();
    return false;
  } catch (e) {
    return e instanceof MicroTlsError && e.codeName === 'MBEDTLS_ERR_CCM_BAD_INPUT';
  }
}

for (const [label, block] of BLOCKS) {
  test(`CCM all Wycheproof sizes [${label}]`, () => {
    const fileName = 'aes_ccm_test.json';
    const file = loadWycheproof<AeadGroup>(fileName);
    const tally = new WycheproofTally(fileName, label);
    const sizesSeen = new Set<string>();
    for (const { group, test: t } of wycheproofCases(file)) {
      const where = `tcId ${t.tcId} [${label}] ${t.comment} (nonce ${group.ivSize / 8}, tag ${group.tagSize / 8})`;
      const tagLength = group.tagSize / 8;
      const nonce = fromHex(t.iv);
      const aad = fromHex(t.aad);
      const sealed = fromHex(t.ct + t.tag);
      const paramsOk = tagLength >= 4 && tagLength <= 16 && tagLength % 2 === 0 && nonce.length >= 7 && nonce.length <= 13;
      if (t.result === 'valid') {
        assert.ok(paramsOk, `${where}: valid vector with sizes we think invalid`);
        const aead = ccmAead(block(fromHex(t.key)), tagLength);
        assert.is(toHex(aead.seal(nonce, fromHex(t.msg), aad)), t.ct + t.tag, `${where}: seal`);
        assert.is(toHex(aead.open(nonce, sealed, aad) ?? new Uint8Array([0xde, 0xad])), t.msg, `${where}: open`);
        sizesSeen.add(`${nonce.length}/${tagLength}`);
        tally.valid++;
      } else if (t.result === 'invalid') {
        if (!paramsOk) {
          assert.ok(badInput(() => ccmAead(block(fromHex(t.key)), tagLength).open(nonce, sealed, aad)), `${where}: bad sizes not refused`);
        } else {
          assert.is(ccmAead(block(fromHex(t.key)), tagLength).open(nonce, sealed, aad), null, `${where}: accepted`);
        }
        tally.invalid++;
      } else {
        tally.acceptable++;
      }
    }
    assert.is(tally.valid + tally.invalid + tally.acceptable, file.numberOfTests);
    // Every nonce length 7..13 and every even tag length 4..16 must have been exercised.
    for (let n = 7; n <= 13; n++) assert.ok([...sizesSeen].some((s) => s.startsWith(`${n}/`)), `nonce ${n} not exercised`);
    for (let t = 4; t <= 16; t += 2) assert.ok([...sizesSeen].some((s) => s.endsWith(`/${t}`)), `tag ${t} not exercised`);
    console.log(tally.line());
  });
}

test('CCM refuses a message too long for the nonce length field', () => {
  const aead = ccmAead(nobleProvider.aesBlock(new Uint8Array(16)), 16);
  // A 13-byte nonce leaves a 2-byte length field: at most 65535 bytes.
  assert.ok(badInput(() => aead.seal(new Uint8Array(13), new Uint8Array(65536), new Uint8Array(0))));
  assert.is(aead.seal(new Uint8Array(13), new Uint8Array(65535), new Uint8Array(0)).length, 65535 + 16);
});

test('CCM uses the bulk paths when the block cipher has them', () => {
  const engine = bulkEngine(new Uint8Array(16));
  const aead = ccmAead(engine, 16);
  const pt = new Uint8Array(2500).fill(1);
  const sealed = aead.seal(new Uint8Array(12), pt, new Uint8Array(13));
  // CTR: 3 chunks of counters. MAC: the padded AAD, 3 chunks of the 2496 whole-block bytes, the padded tail.
  assert.is((engine as unknown as { bulkCalls: number }).bulkCalls, 3 + 1 + 3 + 1);
  assert.is(toHex(sealed), toHex(ccmAead(nobleProvider.aesBlock(new Uint8Array(16)), 16).seal(new Uint8Array(12), pt, new Uint8Array(13))));
});

test('CCM long AAD uses the 6-byte length encoding (matches OpenSSL)', () => {
  const key = new Uint8Array(16).fill(7);
  const nonce = new Uint8Array(12).fill(1);
  const aad = new Uint8Array(0xff00 + 3).fill(9);
  const pt = new Uint8Array(33).fill(5);
  const mine = ccmAead(nobleProvider.aesBlock(key), 8).seal(nonce, pt, aad);
  const ref = node.aesCcm!(key, 8).seal(nonce, pt, aad);
  assert.is(toHex(mine), toHex(ref));
});

test('CCM open wipes nothing the caller owns and returns a fresh buffer', () => {
  const aead = ccmAead(nobleProvider.aesBlock(new Uint8Array(16)), 16);
  const sealed = aead.seal(new Uint8Array(12), new Uint8Array([1, 2, 3]), new Uint8Array(0));
  const copy = sealed.slice();
  const opened = aead.open(new Uint8Array(12), sealed, new Uint8Array(0))!;
  assert.equal([...opened], [1, 2, 3]);
  assert.equal([...sealed], [...copy]);
});

test.run();
