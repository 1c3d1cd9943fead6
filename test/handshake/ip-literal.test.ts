/**
 * One definition of "IP literal": the ClientHello leaves server_name out exactly for the
 * names the certificate name check treats as IP addresses (src/x509/ip.ts), so a name is
 * never matched as a DNS name while SNI treated it as an address, or the reverse.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { TlsClient } from '../../src/handshake/client.js';
import { ByteReader } from '../../src/encoding/reader.js';
import { parseIpAddress } from '../../src/x509/ip.js';
import { seededRandom } from '../helpers/seeded-random.js';

/** Whether the first ClientHello the engine writes for `serverName` carries server_name. */
function sendsSni(serverName: string): boolean {
  let hello: Uint8Array | undefined;
  const c = new TlsClient({ serverName, verify: false, random: seededRandom('sni') }, { output: (b) => { hello ??= b; } });
  c.start();
  const r = new ByteReader(hello!);
  r.bytes(5); // record header
  r.bytes(4); // handshake header
  r.u16();
  r.bytes(32);
  r.vec8();
  r.vec16();
  r.vec8();
  const ext = r.sub16();
  while (!ext.done) {
    const type = ext.u16();
    ext.vec16();
    if (type === 0) return true;
  }
  return false;
}

const NAMES = [
  '127.0.0.1', '10.1.2.3', '::1', '[::1]', '2001:db8::1', '::ffff:192.0.2.1',
  '999.1.1.1', '01.2.3.4', '1.2.3', '1.2.3.4.5', 'a:b', '1:2:3', 'localhost', 'example.com', '0x7f.0.0.1', '256.0.0.1',
];

test('server_name is left out exactly for the names the certificate check parses as IP addresses', () => {
  for (const name of NAMES) {
    const ip = parseIpAddress(name) !== undefined;
    assert.is(sendsSni(name), !ip, `${name}: ${ip ? 'IP literal, no SNI' : 'DNS name, SNI sent'}`);
  }
});

test('the cases the two rules disagreed on: DNS names for both', () => {
  for (const name of ['999.1.1.1', '01.2.3.4', 'a:b']) {
    assert.is(parseIpAddress(name), undefined, name);
    assert.ok(sendsSni(name), `${name} is sent as SNI`);
  }
});

test.run();
