/**
 * The receive limit: what the client can hold (receive capacity), narrowed by a negotiated
 * max_fragment_length unless larger records are accepted. A record announcing more is
 * refused from its header, before its body is buffered: that is the memory MFL saves.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RecordLayer } from '../../src/record/record-layer.js';
import { thrownCodeName } from '../helpers/thrown.js';

const header = (length: number) => Uint8Array.of(23, 3, 3, length >> 8, length & 0xff);

test('a negotiated max_fragment_length narrows the receive limit; acceptLarger keeps the capacity', () => {
  const strict = new RecordLayer();
  strict.setMaxFragmentLength(4096);
  assert.is(strict.receiveLimit, 4096);
  assert.is(strict.maxFragmentLength, 4096, 'our own records keep to it');
  const lenient = new RecordLayer();
  lenient.setReceiveCapacity(8192);
  lenient.setMaxFragmentLength(1024, true);
  assert.is(lenient.receiveLimit, 8192);
  assert.is(lenient.maxFragmentLength, 1024, 'our own records keep to it');
});

test('a record over the limit is refused from its header alone, with the option named', () => {
  const r = new RecordLayer();
  r.strictVersion = true;
  r.setMaxFragmentLength(512);
  r.feed(header(513));
  let message = '';
  const name = thrownCodeName(() => {
    try {
      r.nextRecord();
    } catch (e) {
      message = (e as Error).message;
      throw e;
    }
  });
  assert.is(name, 'MBEDTLS_ERR_SSL_INVALID_RECORD');
  assert.match(message, /acceptLargerRecords/);
  assert.is(r.buffered, 5, 'nothing but the header was buffered');
});

test('the receive capacity alone bounds records before any negotiation', () => {
  const r = new RecordLayer();
  r.setReceiveCapacity(2048);
  r.feed(header(2049));
  assert.is(thrownCodeName(() => r.nextRecord()), 'MBEDTLS_ERR_SSL_INVALID_RECORD');
  const ok = new RecordLayer();
  ok.setReceiveCapacity(2048);
  ok.feed(new Uint8Array([...header(2048), ...new Uint8Array(2048)]));
  assert.is(ok.nextRecord()!.fragment.length, 2048);
});

test.run();
