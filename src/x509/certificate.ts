/**
 * X.509 v1-v3 certificate parsing (RFC 5280 4.1), as Mbed TLS's mbedtls_x509_crt_parse_der
 * decides what is acceptable: every structural error carries the matching
 * MBEDTLS_ERR_X509_* code; an unknown signature algorithm (RSASSA-PSS included) or an
 * unknown critical extension makes the certificate unusable at parse time.
 */
import { MicroTlsError } from '../errors.js';
import type { HashName } from '../../hw/provider.js';
import type { PublicKey } from '../crypto/key-types.js';
import { asciiDecode, constantTimeEqual } from '../encoding/bytes.js';
import { decodePem, looksLikePem } from '../encoding/pem.js';
import { decodeDer, expectConstructed, isContext, isUniversal, readBitString, readOid, readSmallInteger, Tag, type DerNode } from './der.js';
import { parseExtensions, type Extensions } from './extensions.js';
import { parseName, type Name } from './name.js';
import { SIGNATURE_ALGORITHMS } from './oids.js';
import { parseSubjectPublicKeyInfo } from '../crypto/keys.js';
import { parseTime } from './validity.js';

export interface SignatureAlgorithm {
  readonly oid: string;
  readonly name: string;
  readonly hash: HashName;
  readonly key: 'rsa' | 'ec';
}

export interface Certificate {
  readonly der: Uint8Array;
  /** The signed TBSCertificate bytes. */
  readonly tbs: Uint8Array;
  readonly version: 1 | 2 | 3;
  /** INTEGER contents as encoded (two's complement, big-endian). */
  readonly serialNumber: Uint8Array;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signature: Uint8Array;
  readonly issuer: Name;
  readonly subject: Name;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The SubjectPublicKeyInfo DER. */
  readonly spki: Uint8Array;
  readonly publicKey: PublicKey;
  readonly extensions: Extensions;
  /** Issuer and subject are the same name (RFC 5280 "self-issued"). */
  readonly selfIssued: boolean;
}

const FORMAT = 'X509_INVALID_FORMAT';

export function parseCertificate(der: Uint8Array): Certificate {
  const root = decodeDer(der, FORMAT, 'certificate');
  const top = expectConstructed(root, Tag.SEQUENCE, FORMAT, 'certificate');
  if (top.length !== 3) throw new MicroTlsError(FORMAT, 'certificate: expected 3 fields');
  // Indexed, not destructured: the Espruino lowering turns array patterns into helper calls.
  const tbsNode = top[0]!;
  const outerAlgNode = top[1]!;
  const sigNode = top[2]!;
  const tbs = expectConstructed(tbsNode, Tag.SEQUENCE, FORMAT, 'TBSCertificate');

  let i = 0;
  let version: 1 | 2 | 3 = 1;
  if (isContext(tbs[0], 0)) {
    const v = tbs[i++]!;
    if (!v.constructed || v.children.length !== 1) throw new MicroTlsError('X509_INVALID_VERSION', 'malformed version');
    const n = readSmallInteger(v.children[0], 'X509_INVALID_VERSION', 'version');
    if (n > 2) throw new MicroTlsError('X509_UNKNOWN_VERSION', `certificate version ${n + 1}`);
    version = (n + 1) as 1 | 2 | 3;
  }
  const serialNode = tbs[i++];
  if (!isUniversal(serialNode, Tag.INTEGER) || serialNode.constructed || serialNode.value.length === 0) {
    throw new MicroTlsError('X509_INVALID_SERIAL', 'serialNumber: expected INTEGER');
  }
  const innerAlgNode = tbs[i++];
  const signatureAlgorithm = parseSignatureAlgorithm(innerAlgNode);
  const issuer = parseName(tbs[i++], 'issuer');
  const validity = expectConstructed(tbs[i++], Tag.SEQUENCE, 'X509_INVALID_DATE', 'validity');
  if (validity.length !== 2) throw new MicroTlsError('X509_INVALID_DATE', 'validity: expected 2 times');
  const notBefore = parseTime(validity[0], 'notBefore');
  const notAfter = parseTime(validity[1], 'notAfter');
  const subject = parseName(tbs[i++], 'subject');
  const spkiNode = tbs[i++];
  if (!isUniversal(spkiNode, Tag.SEQUENCE)) throw new MicroTlsError('PK_INVALID_PUBKEY', 'no subjectPublicKeyInfo');
  const publicKey = parseSubjectPublicKeyInfo(spkiNode.raw);
  // issuerUniqueID [1] and subjectUniqueID [2]: v2/v3 only, content ignored (RFC 5280 4.1.2.8).
  for (const tag of [1, 2]) {
    if (isContext(tbs[i], tag)) {
      if (version === 1) throw new MicroTlsError(FORMAT, 'uniqueID in a v1 certificate');
      i++;
    }
  }
  let extNode: DerNode | undefined;
  if (isContext(tbs[i], 3)) {
    if (version !== 3) throw new MicroTlsError('X509_INVALID_VERSION', `extensions in a v${version} certificate`);
    extNode = tbs[i++];
  }
  if (i !== tbs.length) throw new MicroTlsError(FORMAT, 'TBSCertificate: trailing fields');
  const extensions = parseExtensions(extNode);

  parseSignatureAlgorithm(outerAlgNode);
  // Mbed TLS compares the two AlgorithmIdentifiers (OID and parameters) byte for byte.
  if (!innerAlgNode || !constantTimeEqual(innerAlgNode.raw, outerAlgNode.raw)) {
    throw new MicroTlsError('X509_SIG_MISMATCH', 'outer and TBS signature algorithms differ');
  }
  const sig = readBitString(sigNode, 'X509_INVALID_SIGNATURE', 'signatureValue');
  if (sig.unusedBits !== 0) throw new MicroTlsError('X509_INVALID_SIGNATURE', 'signature has unused bits');

  return {
    der: root.raw,
    tbs: tbsNode.raw,
    version,
    serialNumber: serialNode.value,
    signatureAlgorithm,
    signature: sig.bytes,
    issuer,
    subject,
    notBefore,
    notAfter,
    spki: spkiNode.raw,
    publicKey,
    extensions,
    selfIssued: issuer.key === subject.key,
  };
}

function parseSignatureAlgorithm(n: DerNode | undefined): SignatureAlgorithm {
  const parts = expectConstructed(n, Tag.SEQUENCE, 'X509_INVALID_ALG', 'signature algorithm');
  if (parts.length < 1 || parts.length > 2) throw new MicroTlsError('X509_INVALID_ALG', 'malformed AlgorithmIdentifier');
  const oid = readOid(parts[0], 'X509_INVALID_ALG', 'signature algorithm');
  const info = SIGNATURE_ALGORITHMS.get(oid);
  if (!info) throw new MicroTlsError('X509_UNKNOWN_SIG_ALG', `signature algorithm ${oid}`, { oid });
  const params = parts[1];
  // Mbed TLS accepts NULL or absent parameters for the PKCS#1 v1.5 and ECDSA OIDs alike.
  if (params !== undefined && !(isUniversal(params, Tag.NULL) && params.value.length === 0)) {
    throw new MicroTlsError('X509_INVALID_ALG', `${info.name}: unexpected parameters`);
  }
  return { oid, name: info.name, hash: info.hash, key: info.key };
}

/** The reference device refuses any certificate or key file above 4096 bytes (manual, section 1). */
export const DEFAULT_MAX_FILE_BYTES = 4096;

export interface ParseOptions {
  /** Per-file size limit; default 4096 as on the reference device. */
  readonly maxBytes?: number;
}

/**
 * Certificates from one file's content: PEM text with one or more CERTIFICATE blocks
 * (other blocks, such as a key in the same file, are skipped) or a single DER certificate.
 */
export function parseCertificates(input: string | Uint8Array, opts: ParseOptions = {}): Certificate[] {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  if (input.length > maxBytes) {
    throw new MicroTlsError('X509_BAD_INPUT_DATA', `file is ${input.length} bytes, more than the ${maxBytes}-byte limit`, { size: input.length, maxBytes });
  }
  if (input.length === 0) throw new MicroTlsError('X509_BAD_INPUT_DATA', 'empty file');
  if (typeof input === 'string' || looksLikePem(input)) {
    const text = typeof input === 'string' ? input : asciiDecode(input);
    // As mbedtls_x509_crt_parse: text without a PEM block is tried as DER, which fails as INVALID_FORMAT.
    if (!looksLikePem(text)) throw new MicroTlsError(FORMAT, 'neither PEM nor DER');
    const blocks = decodePem(text);
    const certs = blocks.filter((b) => b.label === 'CERTIFICATE');
    if (certs.length === 0) throw new MicroTlsError(FORMAT, `no CERTIFICATE in the PEM (found ${blocks.map((b) => b.label).join(', ')})`);
    return certs.map((b) => parseCertificate(b.der));
  }
  if (input[0] !== 0x30) throw new MicroTlsError(FORMAT, 'neither PEM nor DER');
  return [parseCertificate(input)];
}
