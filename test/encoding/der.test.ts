import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { DerReader, TAG } from '../../src/encoding/der.js';
import { MicroTlsError } from '../../src/errors.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';

const reader = (hex: string) => new DerReader(fromHex(hex), 'PK_KEY_INVALID_FORMAT', 'test');

function rejects(fn: () => unknown, why: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, MicroTlsError, why);
    assert.is((e as MicroTlsError).codeName, 'MBEDTLS_ERR_PK_KEY_INVALID_FORMAT', why);
    return;
  }
  assert.unreachable(`accepted: ${why}`);
}

test('reads minimal DER', () => {
  const seq = reader('300c02010502020080050006012a').sequence();
  assert.is(seq.smallInteger(), 5);
  assert.is(toHex(seq.unsignedInteger()), '80');
  seq.null();
  assert.is(seq.oid(), '1.2');
  seq.end();
  assert.is(reader('06092a864886f70d010101').oid(), '1.2.840.113549.1.1.1');
  assert.is(reader('0603550403').oid(), '2.5.4.3');
  assert.is(toHex(reader('0303000102').bitStringBytes()), '0102');
  assert.is(toHex(reader('0481800' + '0'.repeat(255)).octetString()), '00'.repeat(128));
});

test('rejects every non-DER and truncated form', () => {
  rejects(() => reader('').read(), 'empty');
  rejects(() => reader('30').read(), 'no length');
  rejects(() => reader('3080').read(), 'indefinite length');
  rejects(() => reader('30810100').read(), 'long form for a short length');
  rejects(() => reader('3082000100').read(), 'length with leading zero');
  rejects(() => reader('30840000000100').read(), 'four-byte length');
  rejects(() => reader('3004020100').read(), 'length beyond the data');
  rejects(() => reader('1f0100').read(), 'multi-byte tag');
  rejects(() => reader('020100').read(TAG.SEQUENCE), 'wrong tag');
  rejects(() => reader('0200').unsignedInteger(), 'empty INTEGER');
  rejects(() => reader('02020001').unsignedInteger(), 'redundant leading zero');
  rejects(() => reader('0202ff80').unsignedInteger(), 'redundant leading 0xff');
  rejects(() => reader('020180').unsignedInteger(), 'negative');
  rejects(() => reader('0600').oid(), 'empty OID');
  rejects(() => reader('06022a86').oid(), 'truncated OID');
  rejects(() => reader('06032a8001').oid(), 'OID arc with 0x80 padding');
  rejects(() => reader('050100').null(), 'NULL with content');
  rejects(() => reader('030101ff').bitStringBytes(), 'unused bits');
  rejects(() => reader('0300').bitStringBytes(), 'empty BIT STRING');
  rejects(() => { const r = reader('02010000'); r.unsignedInteger(); r.end(); }, 'trailing data');
});

test('zero and large integers', () => {
  assert.is(toHex(reader('020100').unsignedInteger()), '00');
  assert.is(toHex(reader('020300ff01').unsignedInteger()), 'ff01');
  rejects(() => reader('02050100000000').smallInteger(), 'too large for a version');
});

test.run();
