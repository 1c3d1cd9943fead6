/** A random source that returns fewer bytes than asked would leave zeros in secrets: refused. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TlsClient } from '../../src/handshake/client.js';
import { MicroTlsError } from '../../src/errors.js';

test('a short random source fails the handshake with SSL_NO_RNG before a ClientHello is sent', () => {
  const out: Uint8Array[] = [];
  let error: MicroTlsError | undefined;
  const client = new TlsClient({ verify: false, serverName: 'example.com', random: (n) => new Uint8Array(Math.max(0, n - 1)) }, {
    output: (b) => out.push(b),
    error: (e) => { error = e; },
  });
  client.start();
  assert.ok(error, 'error reported');
  assert.is(error!.codeName, 'MBEDTLS_ERR_SSL_NO_RNG');
  // At most the fatal alert goes out: no handshake record (content type 22).
  assert.ok(out.every((b) => b[0] === 21), 'no ClientHello sent');
});

test('a correct random source starts the handshake', () => {
  const out: Uint8Array[] = [];
  const client = new TlsClient({ verify: false, serverName: 'example.com', random: (n) => new Uint8Array(n).fill(7) }, { output: (b) => out.push(b) });
  client.start();
  assert.ok(out.length > 0 && out[0]![0] === 22, 'ClientHello record sent');
});

test.run();
