/**
 * Mutated text into the PEM loaders: decodePem, certificate files (the lenient CA-file
 * loader for text, the strict parser for a file's bytes), private and public key import, and
 * the device's key description. Each case goes in as text (Latin-1, and UTF-8 when that
 * differs) and as the file's bytes.
 */
import { importPrivateKey, importPublicKey } from '../../../src/crypto/keys.js';
import { decodePem } from '../../../src/encoding/pem.js';
import { parseCertificates } from '../../../src/x509/certificate.js';
import { describeKey } from '../../../src/x509/describe.js';
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
    // The CA-file loader: every block, each certificate standing or falling alone.
    attempt(() => { loadCertificatesLeniently(text); });
    attempt(() => { importPrivateKey(text); });
    attempt(() => { importPublicKey(text); });
  }
  // A file's bytes: the PEM-or-DER decision, then the strict certificate parser (as cert-info) and the key description.
  attempt(() => { parseCertificates(input, LIMIT); });
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
    // Certificate parsing proper is the x509 target's: files over 8 KiB (the device takes 4) only slow this one down.
    return out.filter((s) => s.length <= 8192);
  },
  run: runPemCase,
};
