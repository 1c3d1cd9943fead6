import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CIPHER_SUITES } from '../../src/handshake/cipher-suites.js';
import { startOpensslServer } from '../helpers/servers.js';
import { handshakeEchoClose } from '../helpers/interop.js';

// openssl s_server -tls1_2, one suite at a time, echoing through stdin/stdout (-quiet).
for (const suite of CIPHER_SUITES) {
  test(`openssl s_server: ${suite.name} handshake, echo, close_notify`, async () => {
    const server = await startOpensslServer({ cipher: suite.openssl, extraArgs: ['-naccept', '1'] });
    try {
      await handshakeEchoClose(server.port, suite);
      await server.close();
      // s_server reports a truncated connection (no close_notify from us) on stderr.
      assert.not.match(server.log(), /error|unexpected eof/i, server.log());
    } finally {
      await server.close();
    }
  });
}

test.run();
