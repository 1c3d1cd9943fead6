/**
 * Node's TLS servers for the bench (a child process; BENCH_PKI holds the PEMs), TLS 1.2:
 *  - main: the broker's certificate, session tickets with fixed keys (every resumption of the
 *    run is accepted), RSA key exchange suites for microtls and Node, ECDHE-RSA for
 *    @reclaimprotocol/tls (it has no RSA key exchange); closes after the handshake.
 *  - mutual: the same, client certificate required and verified against the CA.
 *  - sink: reads an 8-byte total length, then that many bytes, then answers 'k'.
 *  - idle: keeps every connection open (memory per idle connection).
 *  - legacy: TLS 1.0-1.2, TLS_RSA_WITH_AES_128_CBC_SHA only, the same certificate: the server
 *    node-forge's client (TLS 1.1 at most) and Node's client are both measured against.
 *  - pong: plain TCP, no TLS: answers every PING_BYTES received with PONG_BYTES (the
 *    handshake section's "TCP only" rows: the host's socket work per connection and round trip).
 */
import net from 'node:net';
import tls from 'node:tls';
import { PING_BYTES, PONG_BYTES } from '../lib/pong.js';

const pki = JSON.parse(process.env.BENCH_PKI!) as { caPem: string; serverCertPem: string; serverKeyPem: string };
const base: tls.TlsOptions = {
  key: pki.serverKeyPem, cert: pki.serverCertPem, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2',
  ciphers: 'AES128-GCM-SHA256:AES256-GCM-SHA384:AES128-CCM:AES256-CCM:AES128-CCM8:AES256-CCM8:AES128-SHA:AES256-SHA:AES128-SHA256:AES256-SHA256:ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=0',
  ticketKeys: Buffer.alloc(48, 9),
};
const done = (s: tls.TLSSocket) => {
  s.on('error', () => {});
  s.end();
};
const main = tls.createServer(base, done);
const mutual = tls.createServer({ ...base, requestCert: true, rejectUnauthorized: true, ca: pki.caPem }, done);
const sink = tls.createServer(base, (s) => {
  s.on('error', () => {});
  let total = -1;
  let got = 0;
  let head = Buffer.alloc(0);
  s.on('data', (d: Buffer) => {
    if (total < 0) {
      head = Buffer.concat([head, d]);
      if (head.length < 8) return;
      total = Number(head.readBigUInt64BE(0));
      d = head.subarray(8);
    }
    got += d.length;
    if (got >= total) {
      s.write('k');
      got = -Infinity;
    }
  });
});
const idle = tls.createServer(base, (s) => s.on('error', () => {}));
// OpenSSL 3 allows TLS 1.0/1.1 only at security level 0.
const legacy = tls.createServer({ ...base, minVersion: 'TLSv1', ciphers: 'AES128-SHA:@SECLEVEL=0' }, done);
const pong = net.createServer((s) => {
  s.on('error', () => {});
  let got = 0;
  s.on('data', (d: Buffer) => {
    const before = Math.floor(got / PING_BYTES);
    got += d.length;
    for (let i = before; i < Math.floor(got / PING_BYTES); i++) s.write(Buffer.alloc(PONG_BYTES, 1));
  });
});
const listen = (srv: net.Server) => new Promise<number>((r) => srv.listen(0, '127.0.0.1', () => r((srv.address() as { port: number }).port)));
console.log(JSON.stringify({ main: await listen(main), mutual: await listen(mutual), sink: await listen(sink), idle: await listen(idle), legacy: await listen(legacy), pong: await listen(pong) }));
