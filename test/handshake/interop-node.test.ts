import { test } from 'uvu';
import { CIPHER_SUITES } from '../../src/handshake/cipher-suites.js';
import { nobleProvider } from '../../hw/index.js';
import { startNodeServer } from '../helpers/servers.js';
import { handshakeEchoClose } from '../helpers/interop.js';

// Node's TLS server, TLS 1.2 only, one suite at a time; the client uses Node's crypto.
for (const suite of CIPHER_SUITES) {
  test(`node server: ${suite.name} handshake, echo, close_notify`, async () => {
    const server = await startNodeServer({ ciphers: suite.openssl });
    try {
      await handshakeEchoClose(server.port, suite);
    } finally {
      await server.close();
    }
  });
}

// The pure-JS path (noble), as on a device without an accelerator: one GCM, one CCM_8, one CBC suite.
for (const code of [0x009c, 0xc0a0, 0x003d]) {
  const suite = CIPHER_SUITES.find((s) => s.code === code)!;
  test(`node server, noble provider: ${suite.name}`, async () => {
    const server = await startNodeServer({ ciphers: suite.openssl });
    try {
      await handshakeEchoClose(server.port, suite, nobleProvider);
    } finally {
      await server.close();
    }
  });
}

test.run();
