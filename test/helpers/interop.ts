import * as assert from 'uvu/assert';
import { once } from 'node:events';
import { connect, type TlsSocket } from '../../src/node/index.js';
import type { CipherSuite } from '../../src/handshake/cipher-suites.js';
import type { CryptoProvider } from '../../hw/provider.js';
import { connectedSocket, echo, pattern, retryConnect, tapRecords } from './servers.js';
import { withTimeout } from './async.js';

export const ECHO_SIZES = [0, 1, 16383, 16384, 16385, 1_000_000];

/**
 * The interop script for one suite: handshake, echo of each size (byte-exact),
 * then close_notify both ways, checked on the wire (the last record each way is an alert)
 * and in the API (the server's close_notify was received, the stream ended cleanly).
 */
export async function handshakeEchoClose(port: number, suite: CipherSuite, provider?: CryptoProvider): Promise<TlsSocket> {
  const transport = await retryConnect(() => connectedSocket(port));
  const tap = tapRecords(transport);
  const sock = await connect({ socket: transport, host: 'localhost', verify: false, cipherSuites: [suite.name], timeout: 10_000, ...(provider ? { provider } : {}) });
  assert.is(sock.protocol, 'TLSv1.2');
  assert.is(sock.cipherSuite, suite.name);
  assert.ok(sock.timings!.handshakeMs >= 0);
  let seed = 1;
  for (const n of ECHO_SIZES) {
    const data = pattern(n, seed++);
    const back = await echo(sock, data);
    assert.is(back.length, n, `echo length for ${n}`);
    assert.ok(back.equals(data), `echo content for ${n}`);
  }
  const ended = once(sock, 'end');
  sock.end();
  sock.resume();
  await withTimeout(ended, 10_000, 'server close_notify');
  assert.ok(sock.closeNotifyReceived, 'server close_notify received');
  assert.is(tap.sent.at(-1), 21, 'last record sent is an alert (close_notify)');
  assert.is(tap.received.at(-1), 21, 'last record received is an alert (close_notify)');
  assert.ok(tap.sent.filter((t) => t === 23).length >= 2 + Math.ceil(1_000_000 / 16384), 'application records went out');
  return sock;
}
