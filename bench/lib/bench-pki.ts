/**
 * The PKI of `npm run bench`, made in-process per run (no key material in the repository):
 * an RSA-2048 CA, an RSA-2048 server leaf it signed (localhost, 127.0.0.1) -- the reference
 * device's setup, one CA certificate and a broker certificate -- and device certificates with
 * RSA-1024 and RSA-2048 keys for the client-certificate modes. Plain strings, so it can be
 * handed to the server child processes as JSON.
 */
import { issueCertificate, rsaKeyPkcs1Pem } from '../../src/node/pki.js';

export interface BenchPki {
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  client1024: { certPem: string; keyPem: string };
  client2048: { certPem: string; keyPem: string };
}

export function createBenchPki(): BenchPki {
  const ca = issueCertificate({ subject: [['O', 'microtls bench'], ['CN', 'Bench CA']], ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
  const server = issueCertificate({
    subject: [['CN', 'localhost']], issuer: ca, key: { type: 'rsa', bits: 2048 }, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'],
    keyUsage: ['digitalSignature', 'keyEncipherment'], extKeyUsage: ['serverAuth'],
  });
  const client = (bits: number) => {
    const c = issueCertificate({ subject: [['CN', `bench-device-${bits}`]], issuer: ca, key: { type: 'rsa', bits }, extKeyUsage: ['clientAuth'] });
    return { certPem: c.certPem, keyPem: rsaKeyPkcs1Pem(c.key) };
  };
  return { caPem: ca.certPem, serverCertPem: server.certPem, serverKeyPem: rsaKeyPkcs1Pem(server.key), client1024: client(1024), client2048: client(2048) };
}
