/** Unit tests of the record layer's parts: reader, writer, sequence numbers, CBC, AEAD, reassembly, suites. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getDefaultProvider } from '../../hw/index.js';
import { MicroTlsError } from '../../src/errors.js';
import { ByteReader } from '../../src/encoding/reader.js';
import { ByteWriter } from '../../src/encoding/writer.js';
import { CIPHER_SUITES, findSuite, keyBlockLength } from '../../src/handshake/cipher-suites.js';
import { createProtection } from '../../src/handshake/key-schedule.js';
import { AeadProtection } from '../../src/record/aead.js';
import { CbcProtection } from '../../src/record/cbc.js';
import { HandshakeAssembler } from '../../src/record/handshake-assembler.js';
import { RecordLayer } from '../../src/record/record-layer.js';
import { SequenceNumber } from '../../src/record/sequence.js';
import { expectThrown } from '../helpers/thrown.js';

const provider = getDefaultProvider();
const seq0 = new Uint8Array(8);


test('reader: every length is checked against what remains, with the caller\'s code', () => {
  const r = new ByteReader(Uint8Array.of(0, 5, 1, 2), 'SSL_BAD_HS_SERVER_HELLO', 'ServerHello');
  const e = expectThrown(() => r.vec16('session_id'), 'SSL_BAD_HS_SERVER_HELLO');
  assert.match(e.message, /ServerHello: session_id needs 5 bytes but only 2 remain/);
  assert.is(e.info['alert'], 50);
  const r2 = new ByteReader(Uint8Array.of(1, 2, 3));
  assert.is(r2.u16(), 0x0102);
  expectThrown(() => r2.end(), 'SSL_BAD_INPUT_DATA');
  expectThrown(() => new ByteReader(Uint8Array.of(3, 1, 2, 3)).vec8('v', 0, 2), 'SSL_BAD_INPUT_DATA');
  assert.is(new ByteReader(Uint8Array.of(0xff, 0xff, 0xff, 0xfe)).u32(), 0xfffffffe);
});

test('writer: back-filled length prefixes, nested', () => {
  const w = new ByteWriter(2);
  w.prefixed(2, (a) => a.u8(1).prefixed(3, (b) => b.bytes(Uint8Array.of(9, 9))));
  assert.equal([...w.finish()], [0, 6, 1, 0, 0, 2, 9, 9]);
  assert.throws(() => new ByteWriter().prefixed(1, (x) => x.bytes(new Uint8Array(256))), RangeError);
});

test('sequence numbers: big-endian 64-bit, carry into the high word, COUNTER_WRAPPING before wrap', () => {
  const s = SequenceNumber.at(0, 0xffffffff);
  assert.equal([...s.next()], [0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
  assert.equal([...s.next()], [0, 0, 0, 1, 0, 0, 0, 0]);
  const last = SequenceNumber.at(0xffffffff, 0xfffffffe);
  assert.equal([...last.next()], [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe]);
  expectThrown(() => last.next(), 'SSL_COUNTER_WRAPPING');
});

test('record layer refuses to send once the write counter is exhausted', () => {
  const rl = new RecordLayer();
  rl.setSequenceNumbers(undefined, SequenceNumber.at(0xffffffff, 0xffffffff));
  expectThrown(() => rl.seal(23, new Uint8Array(1)), 'SSL_COUNTER_WRAPPING');
});

function cbc(hash: 'sha1' | 'sha256'): CbcProtection {
  return new CbcProtection('t', provider, provider.aesCbc(new Uint8Array(16).fill(1)), hash, new Uint8Array(hash === 'sha1' ? 20 : 32).fill(2), (n) => new Uint8Array(n).fill(3));
}

test('CBC: round trip for every length around block boundaries', () => {
  for (const hash of ['sha1', 'sha256'] as const) {
    const p = cbc(hash);
    for (let n = 0; n < 70; n++) {
      const data = new Uint8Array(n).map((_, i) => i);
      const frag = p.seal(23, seq0, data);
      assert.is(frag.length % 16, 0);
      assert.equal([...p.open(23, seq0, frag)], [...data]);
    }
  }
});

test('CBC: bad padding and bad MAC are the same error (no padding oracle)', () => {
  const p = cbc('sha256');
  const aes = provider.aesCbc(new Uint8Array(16).fill(1));
  const iv = new Uint8Array(16);
  // 16 bytes data + 32 MAC + padding 15 bytes of value 15 = 64, but one padding byte wrong.
  const plain = new Uint8Array(64);
  plain.fill(15, 48);
  plain[50] = 14;
  const frag = new Uint8Array([...iv, ...aes.encrypt(iv, plain)]);
  const badPad = expectThrown(() => p.open(23, seq0, frag), 'SSL_INVALID_MAC');
  const good = p.seal(23, seq0, new Uint8Array(10));
  good[good.length - 1]! ^= 1;
  const badMac = expectThrown(() => p.open(23, seq0, good), 'SSL_INVALID_MAC');
  assert.is(badPad.message, badMac.message);
  assert.is(badPad.info['alert'], 20);
  // Wrong sequence number (a replayed or reordered record) fails the MAC too.
  const ok = p.seal(23, seq0, new Uint8Array(10));
  expectThrown(() => p.open(23, Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1), ok), 'SSL_INVALID_MAC');
  // Lengths that cannot be CBC: too short, not whole blocks.
  expectThrown(() => p.open(23, seq0, new Uint8Array(32)), 'SSL_INVALID_MAC');
  expectThrown(() => p.open(23, seq0, new Uint8Array(65)), 'SSL_INVALID_MAC');
});

test('CBC: padding up to 255 bytes from other implementations is accepted', () => {
  const p = cbc('sha1');
  const macKey = new Uint8Array(20).fill(2);
  const data = Uint8Array.of(1, 2, 3);
  const mac = provider.hmac('sha1', macKey).update(Uint8Array.of(...seq0, 23, 3, 3, 0, 3)).update(data).digest();
  const plain = new Uint8Array(3 + 20 + 233);
  plain.set(data);
  plain.set(mac, 3);
  plain.fill(232, 23);
  assert.is(plain.length % 16, 0);
  const iv = new Uint8Array(16);
  const frag = new Uint8Array([...iv, ...provider.aesCbc(new Uint8Array(16).fill(1)).encrypt(iv, plain)]);
  assert.equal([...p.open(23, seq0, frag)], [1, 2, 3]);
});

test('AEAD: explicit nonce is the sequence number; tampering, truncation and wrong type fail', () => {
  for (const suite of CIPHER_SUITES.filter((s) => s.mode !== 'cbc')) {
    const keys = { macKey: new Uint8Array(0), key: new Uint8Array(suite.keyLength).fill(7), iv: Uint8Array.of(1, 2, 3, 4) };
    const p = createProtection(provider, suite, keys, provider.randomBytes) as AeadProtection;
    const seq = Uint8Array.of(0, 0, 0, 0, 0, 0, 1, 2);
    const frag = p.seal(23, seq, Uint8Array.of(5, 6, 7));
    assert.equal([...frag.subarray(0, 8)], [...seq]);
    assert.is(frag.length, 8 + 3 + suite.tagLength);
    assert.equal([...p.open(23, seq, frag)], [5, 6, 7]);
    expectThrown(() => p.open(22, seq, frag), 'SSL_INVALID_MAC');
    expectThrown(() => p.open(23, seq, frag.subarray(0, 8 + suite.tagLength - 1)), 'SSL_INVALID_MAC');
    const bad = frag.slice();
    bad[9]! ^= 0x80;
    expectThrown(() => p.open(23, seq, bad), 'SSL_INVALID_MAC');
  }
});

test('handshake reassembly: one message over many records, many messages in one record, cap', () => {
  const a = new HandshakeAssembler(100);
  const msg = (t: number, n: number) => Uint8Array.of(t, 0, 0, n, ...new Uint8Array(n).fill(t));
  const two = new Uint8Array([...msg(2, 5), ...msg(11, 50)]);
  for (let i = 0; i < two.length; i += 3) a.push(two.subarray(i, i + 3));
  assert.is(a.next()!.type, 2);
  const m = a.next()!;
  assert.is(m.type, 11);
  assert.is(m.body.length, 50);
  assert.is(a.next(), undefined);
  a.push(new Uint8Array([...msg(14, 0), ...msg(20, 12)]));
  assert.is(a.next()!.body.length, 0);
  assert.is(a.next()!.body.length, 12);
  a.push(Uint8Array.of(11, 0));
  assert.ok(a.midMessage);
  expectThrown(() => a.push(Uint8Array.of(0, 101)), 'SSL_BUFFER_TOO_SMALL');
  expectThrown(() => new HandshakeAssembler().push(new Uint8Array(0)), 'SSL_INVALID_RECORD');
});

test('record layer: arbitrary chunking, header checks before the body arrives', () => {
  const rl = new RecordLayer();
  const bytes = Uint8Array.of(22, 3, 3, 0, 2, 9, 9, 23, 3, 3, 0, 1, 7);
  for (const b of bytes) rl.feed(Uint8Array.of(b));
  assert.equal([...rl.nextRecord()!.fragment], [9, 9]);
  assert.equal([...rl.nextRecord()!.fragment], [7]);
  assert.is(rl.nextRecord(), undefined);
  const bad = new RecordLayer();
  bad.feed(Uint8Array.of(22, 3, 3, 0x40, 0x01)); // 16385 bytes announced, none sent
  expectThrown(() => bad.nextRecord(), 'SSL_INVALID_RECORD');
  const strict = new RecordLayer();
  strict.strictVersion = true;
  strict.feed(Uint8Array.of(22, 3, 1, 0, 0));
  expectThrown(() => strict.nextRecord(), 'SSL_INVALID_RECORD');
});

test('suite table: manual order, names, key block sizes', () => {
  assert.equal(CIPHER_SUITES.map((s) => s.code), [0x009d, 0xc09d, 0x003d, 0x0035, 0xc0a1, 0x009c, 0xc09c, 0x003c, 0x002f, 0xc0a0]);
  assert.is(findSuite('tls_rsa_with_aes_128_ccm_8')!.code, 0xc0a0);
  assert.is(findSuite('AES256-SHA')!.code, 0x0035);
  assert.is(findSuite('0x009c')!.openssl, 'AES128-GCM-SHA256');
  assert.is(findSuite(0x002f)!.macHash, 'sha1');
  assert.is(keyBlockLength(findSuite(0x0035)!), 2 * (20 + 32));
  assert.is(keyBlockLength(findSuite(0x009d)!), 2 * (32 + 4));
  assert.is(findSuite(0x009d)!.prfHash, 'sha384');
});

test.run();
