/**
 * A small certificate factory for the demo and the tests: keys from node:crypto, certificates
 * DER-encoded here and signed by node:crypto. It needs no openssl binary, so `npm start` works
 * on a fresh machine with nothing but Node.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';

type Der = Uint8Array;

function len(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  while (n > 0) {
    bytes.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return [0x80 | bytes.length, ...bytes];
}

function tlv(tag: number, ...content: Der[]): Der {
  const body = content.reduce((acc, c) => acc + c.length, 0);
  const head = [tag, ...len(body)];
  const out = new Uint8Array(head.length + body);
  out.set(head, 0);
  let off = head.length;
  for (const c of content) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

const seq = (...c: Der[]) => tlv(0x30, ...c);
const set = (...c: Der[]) => tlv(0x31, ...c);
const ctx = (n: number, ...c: Der[]) => tlv(0xa0 + n, ...c);
const octets = (b: Der) => tlv(0x04, b);
const bool = (v: boolean) => tlv(0x01, Uint8Array.of(v ? 0xff : 0));
const utf8 = (s: string) => tlv(0x0c, new TextEncoder().encode(s));
const bits = (b: Der) => tlv(0x03, Uint8Array.of(0), b);

function uint(b: Der): Der {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  const v = b.subarray(i);
  return tlv(0x02, v[0]! & 0x80 ? Uint8Array.of(0, ...v) : v);
}

function smallInt(n: number): Der {
  const b: number[] = [];
  do {
    b.unshift(n & 0xff);
    n >>= 8;
  } while (n > 0);
  return uint(Uint8Array.from(b));
}

function oid(dotted: string): Der {
  const parts = dotted.split('.').map(Number);
  const out: number[] = [parts[0]! * 40 + parts[1]!];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [];
    let v = p;
    do {
      chunk.unshift(v & 0x7f);
      v = Math.floor(v / 128);
    } while (v > 0);
    for (let i = 0; i < chunk.length - 1; i++) chunk[i]! |= 0x80;
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}

function time(d: Date): Der {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14) + 'Z';
  const year = d.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(0x17, new TextEncoder().encode(iso.slice(2))) : tlv(0x18, new TextEncoder().encode(iso));
}

const NAME_OIDS: Record<string, string> = { C: '2.5.4.6', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3', L: '2.5.4.7', ST: '2.5.4.8' };

export type NameSpec = Array<[keyof typeof NAME_OIDS | string, string]>;

function name(spec: NameSpec): Der {
  return seq(
    ...spec.map(([k, v]) => {
      const o = NAME_OIDS[k];
      if (!o) throw new Error(`unknown name attribute ${k}`);
      return set(seq(oid(o), k === 'C' ? tlv(0x13, new TextEncoder().encode(v)) : utf8(v)));
    }),
  );
}

export type KeySpec = { type: 'rsa'; bits: number } | { type: 'ec'; curve: 'P-256' | 'P-384' | 'P-521' };

export interface Issued {
  certDer: Uint8Array;
  certPem: string;
  keyPem: string;
  key: KeyObject;
  subject: NameSpec;
}

export interface CertificateSpec {
  subject: NameSpec;
  key?: KeySpec;
  /** Omitted: self-signed. */
  issuer?: Issued;
  ca?: boolean;
  pathLen?: number;
  keyUsage?: Array<'digitalSignature' | 'keyEncipherment' | 'keyCertSign' | 'cRLSign'>;
  extKeyUsage?: Array<'serverAuth' | 'clientAuth'>;
  dnsNames?: string[];
  ipAddresses?: string[];
  notBefore?: Date;
  notAfter?: Date;
  hash?: 'sha1' | 'sha256' | 'sha384' | 'sha512';
  /** Extra raw extensions: [oid, critical, DER value]. */
  extraExtensions?: Array<[string, boolean, Uint8Array]>;
}

const KU_BITS = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;
const EKU_OIDS = { serverAuth: '1.3.6.1.5.5.7.3.1', clientAuth: '1.3.6.1.5.5.7.3.2' } as const;
const RSA_SIG_OIDS = { sha1: '1.2.840.113549.1.1.5', sha256: '1.2.840.113549.1.1.11', sha384: '1.2.840.113549.1.1.12', sha512: '1.2.840.113549.1.1.13' };
const EC_SIG_OIDS = { sha1: '1.2.840.10045.4.1', sha256: '1.2.840.10045.4.3.2', sha384: '1.2.840.10045.4.3.3', sha512: '1.2.840.10045.4.3.4' };
const CURVES = { 'P-256': 'prime256v1', 'P-384': 'secp384r1', 'P-521': 'secp521r1' } as const;

function keyUsage(list: NonNullable<CertificateSpec['keyUsage']>): Der {
  let v = 0;
  for (const k of list) v |= 0x80 >> KU_BITS[k];
  let unused = 0;
  while (unused < 7 && !(v & (1 << unused))) unused++;
  return tlv(0x03, Uint8Array.of(v ? unused : 0, v));
}

function ipBytes(ip: string): Uint8Array {
  if (ip.includes(':')) {
    const [head, tail] = ip.split('::') as [string, string | undefined];
    const h = head ? head.split(':') : [];
    const t = tail !== undefined && tail ? tail.split(':') : [];
    const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
    const out = new Uint8Array(16);
    groups.forEach((g, i) => {
      const v = parseInt(g, 16);
      out[i * 2] = v >> 8;
      out[i * 2 + 1] = v & 0xff;
    });
    return out;
  }
  return Uint8Array.from(ip.split('.').map(Number));
}

function extensions(spec: CertificateSpec, subjectKey: KeyObject, issuerKey: KeyObject): Der {
  const exts: Der[] = [];
  const add = (o: string, critical: boolean, value: Der) => exts.push(critical ? seq(oid(o), bool(true), octets(value)) : seq(oid(o), octets(value)));
  if (spec.ca !== undefined) {
    const body: Der[] = spec.ca ? [bool(true)] : [];
    if (spec.ca && spec.pathLen !== undefined) body.push(smallInt(spec.pathLen));
    add('2.5.29.19', true, seq(...body));
  }
  if (spec.keyUsage) add('2.5.29.15', true, keyUsage(spec.keyUsage));
  if (spec.extKeyUsage) add('2.5.29.37', false, seq(...spec.extKeyUsage.map((e) => oid(EKU_OIDS[e]))));
  const alt: Der[] = [
    ...(spec.dnsNames ?? []).map((d) => tlv(0x82, new TextEncoder().encode(d))),
    ...(spec.ipAddresses ?? []).map((ip) => tlv(0x87, ipBytes(ip))),
  ];
  if (alt.length) add('2.5.29.17', false, seq(...alt));
  const ski = (k: KeyObject) => Uint8Array.from(createHashSha1(k.export({ type: 'spki', format: 'der' })));
  add('2.5.29.14', false, octets(ski(subjectKey)));
  add('2.5.29.35', false, seq(tlv(0x80, ski(issuerKey))));
  for (const [o, c, v] of spec.extraExtensions ?? []) add(o, c, v);
  return ctx(3, seq(...exts));
}

function createHashSha1(data: Uint8Array): Uint8Array {
  return createHash('sha1').update(data).digest();
}

function toPem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

export function generateKey(spec: KeySpec): KeyObject {
  if (spec.type === 'rsa') return generateKeyPairSync('rsa', { modulusLength: spec.bits }).privateKey;
  return generateKeyPairSync('ec', { namedCurve: CURVES[spec.curve] }).privateKey;
}

/** Issues one certificate. Defaults: RSA-2048, SHA-256, valid from an hour ago for 5 years. */
export function issueCertificate(spec: CertificateSpec, existingKey?: KeyObject): Issued {
  const key = existingKey ?? generateKey(spec.key ?? { type: 'rsa', bits: 2048 });
  const pub = createPublicKey(key);
  const issuerKey = spec.issuer ? spec.issuer.key : key;
  const issuerName = spec.issuer ? spec.issuer.subject : spec.subject;
  const hash = spec.hash ?? 'sha256';
  const ecIssuer = issuerKey.asymmetricKeyType === 'ec';
  const sigAlg = ecIssuer ? seq(oid(EC_SIG_OIDS[hash])) : seq(oid(RSA_SIG_OIDS[hash]), tlv(0x05));
  const notBefore = spec.notBefore ?? new Date(Date.now() - 3600_000);
  const notAfter = spec.notAfter ?? new Date(Date.now() + 5 * 365 * 86400_000);
  const serial = randomBytes(12);
  serial[0]! &= 0x7f;
  const tbs = seq(
    ctx(0, smallInt(2)),
    uint(serial),
    sigAlg,
    name(issuerName),
    seq(time(notBefore), time(notAfter)),
    name(spec.subject),
    Uint8Array.from(pub.export({ type: 'spki', format: 'der' })),
    extensions(spec, pub, createPublicKey(issuerKey)),
  );
  const signature = sign(hash, tbs, { key: issuerKey, dsaEncoding: 'der' });
  const certDer = seq(tbs, sigAlg, bits(signature));
  const keyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certDer, certPem: toPem('CERTIFICATE', certDer), keyPem, key, subject: spec.subject };
}

/** PKCS#1 form of an RSA key ("BEGIN RSA PRIVATE KEY"), the form mosquitto guides produce. */
export function rsaKeyPkcs1Pem(key: KeyObject): string {
  return createPrivateKey(key.export({ type: 'pkcs8', format: 'pem' })).export({ type: 'pkcs1', format: 'pem' }).toString();
}
