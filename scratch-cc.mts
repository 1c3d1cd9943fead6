import { connect } from './src/node/index.js';
import { issueCertificate, rsaKeyPkcs1Pem } from './src/node/pki.js';
import { startNodeServer, echo, pattern } from './test/tls/helpers/servers.js';
const ca = issueCertificate({ subject: [['CN', 'Client CA']], ca: true, keyUsage: ['keyCertSign'] });
const cl = issueCertificate({ subject: [['CN', 'device-1']], issuer: ca, key: { type: 'rsa', bits: 1024 }, extKeyUsage: ['clientAuth'] });
let peer: any;
const server = await startNodeServer({ ciphers: 'AES256-GCM-SHA384', requestCert: true, ca: ca.certPem, onSecure: (s) => { peer = s.getPeerCertificate(); } });
try {
  const sock = await connect({ host: '127.0.0.1', port: server.port, verify: false, cert: cl.certPem, key: rsaKeyPkcs1Pem(cl.key), timeout: 3000 });
  console.log(sock.handshake?.clientCertificateSent, sock.cipherSuite, sock.handshake?.extendedMasterSecret);
  console.log((await echo(sock, pattern(100, 1))).length, peer?.subject);
  const s1 = sock.getSession(); sock.destroy();
  console.log(s1 && { t: s1.ticket?.length, id: s1.sessionId.length, hint: s1.ticketLifetimeHint });
  const sock2 = await connect({ host: '127.0.0.1', port: server.port, verify: false, cert: cl.certPem, key: cl.keyPem, session: s1, timeout: 3000 });
  console.log('resumed', sock2.resumed, (await echo(sock2, pattern(100, 1))).length);
  sock2.destroy();
} catch (e) { console.log('ERR', e, server.log()); }
await server.close();
