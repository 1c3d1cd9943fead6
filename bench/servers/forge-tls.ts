/**
 * node-forge's own TLS server (TLS_RSA_WITH_AES_128_CBC_SHA; forge has no TLS 1.2, and its server
 * answers TLS 1.0 whatever the client offers)
 * over a Node TCP server, in a child process: the server forge's client and Node's client are
 * both measured against. BENCH_PKI holds the PEMs. Closes after the handshake.
 */
import net from 'node:net';
import forge from 'node-forge';

const pki = JSON.parse(process.env.BENCH_PKI!) as { serverCertPem: string; serverKeyPem: string };
const server = net.createServer((socket) => {
  socket.on('error', () => {});
  const conn = forge.tls.createConnection({
    server: true,
    cipherSuites: [forge.tls.CipherSuites.TLS_RSA_WITH_AES_128_CBC_SHA],
    getCertificate: () => pki.serverCertPem,
    getPrivateKey: () => pki.serverKeyPem,
    verifyClient: false,
    connected: (c) => c.close(),
    tlsDataReady: (c) => {
      socket.write(Buffer.from(c.tlsData.getBytes(), 'binary'));
    },
    dataReady: (c) => {
      c.data.getBytes();
    },
    closed: () => socket.end(),
    error: () => socket.destroy(),
  });
  socket.on('data', (d: Buffer) => conn.process(d.toString('binary')));
  socket.on('close', () => conn.close());
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ forge: (server.address() as { port: number }).port })));
