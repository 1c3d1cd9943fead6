/**
 * Mutated text into the PEM loaders: decodePem, certificate files (strict and the lenient
 * CA-file loader), private and public key import, and the device's key description. Each
 * case goes in both as a string and as the file's bytes.
 */
import { importPrivateKey, importPublicKey } from '../../../src/crypto/keys.js';
import { decodePem } from '../../../src/encoding/pem.js';
import { parseCertificates } from '../../../src/x509/certificate.js';
import { describeCertificate, describeKey } from '../../../src/x509/describe.js';
import { loadCertificatesLeniently } from '../../../src/x509/input.js';
import { limboCases, rsaKeyPems } from '../corpus.js';
import { attempt, type FuzzTarget } from '../target.js';

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8');
const LIMIT = { maxBytes: 1 << 20 };

export function runPemCase(input: Uint8Array): void {
  const asLatin1 = latin1.decode(input);
  const asUtf8 = utf8.decode(input);
  for (const text of asUtf8 === asLatin1 ? [asLatin1] : [asLatin1, asUtf8]) {
    attempt(() => { decodePem(text); });
    attempt(() => { parseCertificates(text, LIMIT); });
    attempt(() => { loadCertificatesLeniently(text); });
    attempt(() => { importPrivateKey(text); });
    attempt(() => { importPublicKey(text); });
  }
  attempt(() => { parseCertificates(input, LIMIT); });
  attempt(() => { loadCertificatesLeniently(input); });
  attempt(() => { importPrivateKey(input); });
  attempt(() => { describeCertificate(input, LIMIT); });
  attempt(() => { describeKey(input, LIMIT); });
}

export const pemTarget: FuzzTarget = {
  name: 'pem',
  seeds() {
    const enc = new TextEncoder();
    const cases = limboCases();
    const out: Uint8Array[] = [];
    for (let i = 0; i < cases.length; i += 8) {
      const c = cases[i]!;
      out.push(enc.encode(c.peer));
      out.push(enc.encode([c.peer, ...c.intermediates, ...c.trusted].join('')));
      for (const k of c.keys) out.push(enc.encode(k));
    }
    for (const k of rsaKeyPems()) out.push(enc.encode(k));
    return out;
  },
  run: runPemCase,
};
