/**
 * The engine's verdict on hostile server bytes must not depend on how the transport split
 * them: every split point of each input gives the same typed error as the whole input, and
 * never SSL_INTERNAL_ERROR (an untyped exception inside the engine).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getDefaultProvider } from '../../hw/index.js';
import { fromHex } from '../../src/encoding/bytes.js';
import type { MicroTlsError } from '../../src/errors.js';
import { TlsClient } from '../../src/handshake/client.js';
import { RecordLayer } from '../../src/record/record-layer.js';
import { prng } from '../helpers/prng.js';

function client(): { engine: TlsClient; errors: MicroTlsError[] } {
  const next = prng(7);
  const errors: MicroTlsError[] = [];
  const engine = new TlsClient({
    verify: false, serverName: 'localhost', provider: getDefaultProvider(), now: () => Date.UTC(2026, 0, 1),
    random: (n) => Uint8Array.from({ length: n }, () => Math.floor(next() * 256)),
  }, { output: () => {}, error: (e) => { errors.push(e); } });
  engine.start();
  return { engine, errors };
}

/** The error name after feeding `chunks` in order, or 'none' while the engine waits for more. */
function verdict(chunks: readonly Uint8Array[]): string {
  const { engine, errors } = client();
  for (const c of chunks) engine.receive(c);
  assert.ok(errors.length <= 1, 'one error at most');
  return errors[0]?.codeName ?? 'none';
}

const HOSTILE: readonly { name: string; hex: string; expect: string }[] = [
  { name: 'empty handshake record alone', hex: '1603030000', expect: 'MBEDTLS_ERR_SSL_INVALID_RECORD' },
  { name: 'empty handshake record, then a ServerHelloDone', hex: '16030300001603030004 0e000000', expect: 'MBEDTLS_ERR_SSL_INVALID_RECORD' },
  { name: 'empty alert record', hex: '1503030000', expect: 'MBEDTLS_ERR_SSL_INVALID_RECORD' },
  { name: 'empty ChangeCipherSpec record, then garbage', hex: '1403030000ffffffffff', expect: 'MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE' },
  { name: 'empty application data before the handshake', hex: '1703030000', expect: 'MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE' },
  { name: 'four empty handshake records', hex: '1603030000'.repeat(4), expect: 'MBEDTLS_ERR_SSL_INVALID_RECORD' },
  { name: 'unknown content type', hex: '6303030001ff', expect: 'MBEDTLS_ERR_SSL_INVALID_RECORD' },
  { name: 'record of 2^14 + 1 bytes', hex: '1603034001', expect: 'MBEDTLS_ERR_SSL_INVALID_RECORD' },
  { name: 'handshake header split over two records', hex: '16030300020e00160303000200000000', expect: 'MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE' },
];

for (const h of HOSTILE) {
  const bytes = fromHex(h.hex.replace(/ /g, ''));
  test(`${h.name}: ${h.expect.replace('MBEDTLS_ERR_', '')} whole, at every split point and byte by byte`, () => {
    assert.is(verdict([bytes]), h.expect, 'whole');
    for (let i = 1; i < bytes.length; i++) {
      assert.is(verdict([bytes.slice(0, i), bytes.slice(i)]), h.expect, `split at ${i}`);
      for (let j = i + 1; j < bytes.length; j++) {
        assert.is(verdict([bytes.slice(0, i), bytes.slice(i, j), bytes.slice(j)]), h.expect, `split at ${i} and ${j}`);
      }
    }
    assert.is(verdict([...bytes].map((b) => Uint8Array.of(b))), h.expect, 'byte by byte');
  });
}

test('RecordLayer returns a zero-length record that ends the received bytes', () => {
  const r = new RecordLayer();
  r.feed(fromHex('1603030000'));
  const rec = r.nextRecord();
  assert.is(rec?.type, 22);
  assert.is(rec?.fragment.length, 0);
  assert.is(r.buffered, 0);
  assert.is(r.nextRecord(), undefined);
});

test('RecordLayer: a zero-length record between chunks leaves the next record intact', () => {
  const r = new RecordLayer();
  r.feed(fromHex('1603'));
  r.feed(fromHex('030000'));
  r.feed(fromHex('15030300020100'));
  assert.is(r.nextRecord()?.fragment.length, 0);
  const alert = r.nextRecord();
  assert.is(alert?.type, 21);
  assert.equal([...alert!.fragment], [1, 0]);
});

test.run();
