/**
 * The MQTT client passes max_fragment_length, receiveBufferSize and acceptLargerRecords to its
 * TLS connection. Against Mbed TLS's ssl_server2 with max_frag_len=512 (it sends its Certificate
 * as one larger record): strict by default, the TLS error names the option; with
 * acceptLargerRecords the handshake completes, and what fails is MQTT, since ssl_server2 answers
 * in HTTP rather than CONNACK.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectAsync } from '../../src/mqtt/index.js';
import { MicroTlsError } from '../../src/errors.js';
import { HAVE_SSL_SERVER2, SSL_SERVER2_ABSENT, startSslServer2, type Peer } from '../helpers/ssl-server2.js';
import { withTimeout } from '../helpers/async.js';

async function refusal(peer: Peer, extra: Record<string, unknown>): Promise<MicroTlsError> {
  try {
    const c = await withTimeout(connectAsync(`mqtts://127.0.0.1:${peer.port}`, {
      verifyServerCertificate: false, reconnectPeriod: 0, connectTimeout: 5000, maxFragmentLength: 512, ...extra,
    }), 10_000, 'connectAsync');
    await c.end(true);
  } catch (e) {
    assert.instance(e, MicroTlsError, String(e));
    return e as MicroTlsError;
  }
  throw new Error('ssl_server2 is no MQTT broker: the connection cannot succeed');
}

if (!HAVE_SSL_SERVER2) {
  test.skip(`MQTT over TLS with max_fragment_length against ssl_server2: ${SSL_SERVER2_ABSENT}`, () => {});
} else {
  test('maxFragmentLength 512: strict by default; acceptLargerRecords lets the handshake through', async () => {
    const peer = await startSslServer2(['force_ciphersuite=TLS-RSA-WITH-AES-128-GCM-SHA256', 'max_frag_len=512']);
    try {
      const strict = await refusal(peer, {});
      assert.is(strict.codeName, 'MBEDTLS_ERR_SSL_INVALID_RECORD', strict.message);
      assert.match(strict.message, /acceptLargerRecords/);

      const lenient = await refusal(peer, { acceptLargerRecords: true });
      // Past TLS: the failure is the broker's reply, not a record or handshake error.
      assert.not.match(lenient.codeName, /_SSL_/, lenient.message);
      assert.match(lenient.codeName, /MQTT/, lenient.message);
    } finally {
      await peer.close();
    }
  });
}

test.run();
