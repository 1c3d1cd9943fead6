/**
 * The presented certificate chain as `openssl s_client` prints it (OpenSSL 3.0 layout):
 *
 *    0 s:O=microtls test, CN=localhost
 *      i:C=BG, O=microtls test, CN=microtls Test CA
 *      a:PKEY: RSA, 2048 (bit); sigalg: sha256WithRSAEncryption
 *      v:NotBefore: Dec  1 09:56:58 2026 GMT; NotAfter: Nov 30 10:56:58 2031 GMT
 *
 * and, with --showcerts, each certificate's PEM below its entry.
 */
import { encodePem } from '../encoding/pem.js';
import { MicroTlsError } from '../errors.js';
import { parseCertificate } from '../x509/certificate.js';
import { formatIp } from '../x509/ip.js';

export interface ChainEntry {
  subject: string;
  issuer: string;
  notBefore: string;
  notAfter: string;
  /** `RSA 2048 bit`, `EC P-256 (256 bit)`. */
  key: string;
  signatureAlgorithm: string;
  /** The certificate could not be parsed: its error label instead of the fields. */
  error?: string;
}

export function chainEntry(der: Uint8Array): ChainEntry {
  try {
    const c = parseCertificate(der);
    const k = c.publicKey;
    return {
      subject: c.subject.toString(),
      issuer: c.issuer.toString(),
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
      key: k.type === 'rsa' ? `RSA ${k.bits} bit` : `EC ${k.curve} (${k.bits} bit)`,
      signatureAlgorithm: c.signatureAlgorithm.name,
    };
  } catch (e) {
    const label = e instanceof MicroTlsError ? e.label : 'unparseable';
    return { subject: `(${label})`, issuer: '', notBefore: '', notAfter: '', key: '', signatureAlgorithm: '', error: label };
  }
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** ASN1_TIME_print's form: `Dec  1 09:56:58 2026 GMT`. */
export function opensslDate(iso: string): string {
  const d = new Date(iso);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

export function chainLines(chain: readonly Uint8Array[], entries: readonly ChainEntry[], showcerts: boolean): string[] {
  const lines: string[] = ['Certificate chain'];
  entries.forEach((c, i) => {
    lines.push(`${String(i).padStart(2)} s:${c.subject}`);
    if (!c.error) {
      lines.push(`   i:${c.issuer}`);
      lines.push(`   a:PKEY: ${c.key}; sigalg: ${c.signatureAlgorithm}`);
      lines.push(`   v:NotBefore: ${opensslDate(c.notBefore)}; NotAfter: ${opensslDate(c.notAfter)}`);
    }
    if (showcerts && chain[i]) lines.push(encodePem('CERTIFICATE', chain[i]!).trimEnd());
  });
  return lines;
}

/** The certificate's names, for a host-name mismatch: "DNS:localhost, IP:127.0.0.1 (CN localhost)". */
export function certificateNames(der: Uint8Array): string {
  try {
    const c = parseCertificate(der);
    const san = (c.extensions.subjectAltName ?? []).flatMap((g) =>
      g.type === 'dns' ? [`DNS:${g.value}`] : g.type === 'ip' ? [`IP:${formatIp(g.bytes)}`] : []);
    const cn = c.subject.values('2.5.4.3');
    return `${san.length ? san.join(', ') : 'no subjectAltName'}; CN ${cn.length ? cn.join(', ') : '(none)'}`;
  } catch {
    return '(the certificate could not be read)';
  }
}
