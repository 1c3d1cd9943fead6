import { createBenchPki } from '../lib/bench-pki.js';

/** The verification probe's chain and CA: the bench PKI (the shape of the live runs' test PKI: a leaf under one CA). */
export function verifyProbeInput(): { ca: string; chain: string[]; serverName: string } {
  const pki = createBenchPki();
  const der = (pem: string) => Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64').toString('hex');
  return { ca: pki.caPem, chain: [der(pki.serverCertPem)], serverName: 'localhost' };
}
