/**
 * A parsed certificate in the shape of Node's tls.TLSSocket#getPeerCertificate(), for code
 * written against Node's TLS (MQTT.js users, logging): subject/issuer as objects of short
 * names, validity as OpenSSL prints it, SHA-256 fingerprint, the DER as `raw`.
 */
import { createHash } from 'node:crypto';
import type { Certificate } from '../x509/certificate.js';
import type { Name } from '../x509/name.js';
import type { GeneralName } from '../x509/general-name.js';

export interface PeerCertificate {
  subject: Record<string, string>;
  issuer: Record<string, string>;
  subjectaltname?: string;
  valid_from: string;
  valid_to: string;
  serialNumber: string;
  fingerprint256: string;
  raw: Buffer;
  issuerCertificate?: PeerCertificate;
}

function nameObject(name: Name): Record<string, string> {
  const out: Record<string, string> = {};
  for (const rdn of name.rdns) for (const a of rdn) out[a.shortName] = out[a.shortName] === undefined ? a.value : `${out[a.shortName]}\n${a.value}`;
  return out;
}

/** OpenSSL's form, as Node gives it: "Apr  7 12:00:00 2031 GMT". */
function opensslDate(d: Date): string {
  const month = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getUTCMonth()]!;
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${month} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()} GMT`;
}

function ipText(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const words: string[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) words.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16).toUpperCase());
  return words.join(':');
}

function altName(n: GeneralName): string | undefined {
  switch (n.type) {
    case 'dns': return `DNS:${n.value}`;
    case 'email': return `email:${n.value}`;
    case 'uri': return `URI:${n.value}`;
    case 'ip': return `IP Address:${ipText(n.bytes)}`;
    default: return undefined;
  }
}

const hex = (b: Uint8Array, sep = ''): string => Array.from(b, (x) => x.toString(16).padStart(2, '0').toUpperCase()).join(sep);

/** `chain` leaf first; with `detailed`, issuerCertificate links follow it as Node's does. */
export function peerCertificate(chain: readonly Certificate[], detailed = false): PeerCertificate | Record<string, never> {
  const one = (c: Certificate): PeerCertificate => {
    const alt = c.extensions.subjectAltName?.map(altName).filter((x): x is string => x !== undefined);
    return {
      subject: nameObject(c.subject),
      issuer: nameObject(c.issuer),
      ...(alt && alt.length > 0 ? { subjectaltname: alt.join(', ') } : {}),
      valid_from: opensslDate(c.notBefore),
      valid_to: opensslDate(c.notAfter),
      serialNumber: hex(c.serialNumber.length > 1 && c.serialNumber[0] === 0 ? c.serialNumber.subarray(1) : c.serialNumber),
      fingerprint256: hex(createHash('sha256').update(c.der).digest(), ':'),
      raw: Buffer.from(c.der),
    };
  };
  if (chain.length === 0) return {};
  const certs = chain.map(one);
  if (detailed) for (let i = 0; i + 1 < certs.length; i++) certs[i]!.issuerCertificate = certs[i + 1];
  return certs[0]!;
}
