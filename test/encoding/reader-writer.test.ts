import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ByteReader } from '../../src/encoding/reader.js';
import { ByteWriter } from '../../src/encoding/writer.js';
import { MicroTlsError } from '../../src/errors.js';
import { toHex } from '../../src/encoding/bytes.js';

test('ByteWriter and ByteReader: big-endian integers of 1-4 bytes, vectors, back-filled lengths', () => {
  const w = new ByteWriter(2).u8(0x1ff).u16(0xabcd).u24(0x123456).u32(0xfedcba98).vec8(Uint8Array.of(1, 2)).vec16(Uint8Array.of(3)).vec24(new Uint8Array(0));
  const bytes = w.finish();
  assert.is(toHex(bytes), 'ff' + 'abcd' + '123456' + 'fedcba98' + '020102' + '000103' + '000000');
  const r = new ByteReader(bytes, 'SSL_BAD_HS_SERVER_HELLO', 'test');
  assert.equal([r.u8(), r.u16(), r.u24(), r.u32()], [0xff, 0xabcd, 0x123456, 0xfedcba98]);
  assert.equal(Array.from(r.vec8()), [1, 2]);
  assert.equal(Array.from(r.sub16().bytes(1)), [3]);
  assert.is(r.vec24().length, 0);
  r.end();
  assert.ok(r.done);
  assert.throws(() => new ByteWriter().u16(0x10000), RangeError);
  assert.throws(() => new ByteWriter().u24(-1), RangeError);
});

test('ByteReader: reading past the end or a length out of bounds is the caller\'s code with the alert', () => {
  for (const read of [(r: ByteReader) => r.u32('field'), (r: ByteReader) => r.vec8('v', 3), (r: ByteReader) => { r.u8(); r.end(); }]) {
    try {
      read(new ByteReader(Uint8Array.of(2, 9, 9), 'SSL_BAD_HS_SERVER_HELLO', 'ServerHello'));
      assert.unreachable('must throw');
    } catch (e) {
      assert.instance(e, MicroTlsError);
      assert.is((e as MicroTlsError).codeName, 'MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO');
      assert.match((e as Error).message, /malformed ServerHello/);
      assert.is(typeof (e as MicroTlsError).info['alert'], 'number');
      assert.is(typeof (e as MicroTlsError).info['offset'], 'number');
    }
  }
});

test.run();
