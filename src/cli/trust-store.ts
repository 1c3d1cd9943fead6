/**
 * probe's --cafile parsed a few certificates at a time, yielding to the event loop between
 * them, so that a big CA bundle (hundreds of certificates, seconds of parsing in pure
 * TypeScript) leaves room for the progress line; parse errors are kept, as the verifier
 * keeps them, since an unusable certificate can only remove paths, never add one.
 */
import { asciiDecode } from '../encoding/bytes.js';
import { decodePem, looksLikePem } from '../encoding/pem.js';
import { MicroTlsError } from '../errors.js';
import { parseCertificate, type Certificate } from '../x509/certificate.js';

const BATCH = 16;

export async function loadTrustedCertificates(bytes: Uint8Array, onProgress?: (done: number, total: number) => void): Promise<{ certs: Certificate[]; rejected: MicroTlsError[] }> {
  const ders = looksLikePem(bytes) ? decodePem(asciiDecode(bytes)).filter((b) => b.label === 'CERTIFICATE').map((b) => b.der) : [bytes];
  const certs: Certificate[] = [];
  const rejected: MicroTlsError[] = [];
  for (let i = 0; i < ders.length; i++) {
    try {
      certs.push(parseCertificate(ders[i]!));
    } catch (e) {
      if (!(e instanceof MicroTlsError)) throw e;
      rejected.push(e);
    }
    if ((i + 1) % BATCH === 0) {
      onProgress?.(i + 1, ders.length);
      await new Promise((r) => setImmediate(r));
    }
  }
  return { certs, rejected };
}
