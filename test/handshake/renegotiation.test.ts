/**
 * HelloRequest from a real server (Node's TLSSocket.renegotiate()). microtls declines with a
 * warning no_renegotiation and keeps its side of the connection up (the scripted-server test
 * in hostile-records shows data flowing afterwards). OpenSSL-based servers, Node's included,
 * treat a declined renegotiation they asked for as fatal and answer handshake_failure; that
 * is the peer's policy, and the client reports it as the server's fatal alert.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { once } from 'node:events';
import type tls from 'node:tls';
import { connect, MicroTlsError } from '../../src/node/index.js';
import type { Alert } from '../../src/record/alerts.js';
import { echo, pattern, startNodeServer } from '../helpers/servers.js';
import { withTimeout } from '../helpers/async.js';

test('Node renegotiate(): warning no_renegotiation sent; the server then ends it with handshake_failure', async () => {
  let serverSide: tls.TLSSocket | undefined;
  const server = await startNodeServer({ ciphers: 'AES256-GCM-SHA384', onSecure: (s) => { serverSide = s; } });
  try {
    const sock = await connect({ host: '127.0.0.1', port: server.port, verify: false });
    const alerts: (Alert & { sent: boolean })[] = [];
    sock.on('alert', (a: Alert & { sent: boolean }) => alerts.push(a));
    const errored = once(sock, 'error');
    const back = await echo(sock, pattern(100, 3));
    assert.is(back.length, 100);
    const serverError = once(serverSide!, 'error');
    assert.ok(serverSide!.renegotiate({}, () => undefined), 'HelloRequest sent');
    const [err] = (await withTimeout(errored, 3000, 'server reaction')) as [MicroTlsError];
    assert.equal(alerts[0], { level: 1, description: 100, name: 'no_renegotiation', sent: true });
    assert.is(err.codeName, 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE');
    assert.match(err.message, /handshake_failure \(40\)/);
    const [serr] = (await withTimeout(serverError, 3000, 'server-side error')) as [Error];
    assert.match(serr.message, /no renegotiation/i);
  } finally {
    await server.close();
  }
});

test.run();
