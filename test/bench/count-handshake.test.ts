/**
 * What the cost model counts for a client-certificate handshake with files (`connect({ cert,
 * key })`, as the engines bench's live runs connect): the credentials loaded per connection (the
 * client chain's bytes parsed, one key loaded), the chain verified, and the private key's first
 * use -- the BigInt schedule's inversion and the limb backend's Fermat products -- on every such
 * connection, since each parses the key again. Against Node's TLS server on loopback.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { completeProvider } from '../../hw/index.js';
import { countHandshake, deviceCountingProvider } from '../../bench/model/count-modes.js';
import { connect } from '../../src/node/index.js';
import { createBenchPki } from '../../bench/lib/bench-pki.js';
import { createChainVerifier } from '../../src/x509/verifier.js';
import { systemClock } from '../../src/time/clock.js';

const pemDer = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');

test('client certificate from files: credentials, verification and a first private-key use on each connection', async () => {
  const pki = createBenchPki();
  const server = tls.createServer({
    key: pki.serverKeyPem, cert: pki.serverCertPem, ca: pki.caPem, requestCert: true, rejectUnauthorized: true,
    ciphers: 'AES128-GCM-SHA256:@SECLEVEL=0', maxVersion: 'TLSv1.2',
  }, (s) => s.end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const port = (server.address() as AddressInfo).port;
    const counting = deviceCountingProvider();
    const full = completeProvider(counting.provider);
    const verify = createChainVerifier({ trusted: pki.caPem, clock: systemClock, provider: full, usage: 'serverAuth' });
    const options = { host: '127.0.0.1', port, servername: 'localhost', provider: full, verify, cert: pki.client1024.certPem, key: pki.client1024.keyPem };
    const runs = [await countHandshake(counting, options), await countHandshake(counting, options)];
    for (const w of runs) {
      assert.equal(w.keyImports, { '1024': 1 }, 'one RSA-1024 key loaded');
      assert.is(w.verifications, 1);
      assert.is(w.verifierBuilds, 1, 'one verifier per verifying connection');
      assert.ok(w.certificateBytes >= pemDer(pki.serverCertPem).length + pemDer(pki.client1024.certPem).length, `the server's and the client's chains parsed: ${w.certificateBytes}`);
      assert.equal(w.modInverse, { '1024': 1 }, 'a fresh blinding pair (BigInt backend)');
      // The limb backend's first use: the Fermat inverses about double the half-size products.
      assert.ok(w.modMulLimb && w.modMulLimb['512']! > 1.9 * 2 * (14 + 64 * 5), JSON.stringify(w.modMulLimb));
    }
    // The private operation's products (512 and 1024 bits) are the same: the second connection parses
    // the key again, a first use again. (The 2048-bit ones differ: the first connection also checks
    // the server's chain signature and sets up Montgomery contexts the limb backend then keeps.)
    for (const bits of ['512', '1024']) assert.is(runs[1]!.modMulLimb![bits], runs[0]!.modMulLimb![bits], `${bits}-bit products`);
    // A resumption checks no chain but still builds its verifier (the session is bound to it).
    const first = await connect(options);
    const session = first.getSession();
    first.destroy();
    const resumed = await countHandshake(counting, { ...options, session });
    assert.ok(resumed.resumed, 'the ticket was accepted');
    assert.is(resumed.verifications, 0);
    assert.is(resumed.verifierBuilds, 1);
    const plain = await countHandshake(counting, { ...options, verify: false });
    assert.is(plain.verifierBuilds, 0, 'no verification, no verifier');
  } finally {
    server.close();
  }
});

test.run();
