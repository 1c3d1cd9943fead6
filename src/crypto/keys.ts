/**
 * Key import: SubjectPublicKeyInfo (RSA, EC on P-256/384/521), PKCS#1 RSA public and
 * private keys, PKCS#8 private keys, as PEM or DER. Only RSA private keys are accepted,
 * without a password: that is what the reference device supports (manual, section 3).
 * Parsing is strict DER (src/encoding/der.ts): a key that parses must be the only
 * encoding of its value.
 */
import { MicroTlsError, fail } from '../errors.js';
import { asciiDecode } from '../encoding/bytes.js';
import { DerReader, TAG } from '../encoding/der.js';
import { decodePem, looksLikePem, type PemBlock } from '../encoding/pem.js';
import { bitLength, compareUnsigned, ecPointUncompressed, isOdd, rsaKeyProblem } from './backend.js';
import type { EcPublicKey, PublicKey, RsaPrivateKey, RsaPublicKey } from './key-types.js';
import {
  KNOWN_UNSUPPORTED_CURVES,
  KNOWN_UNSUPPORTED_KEY_ALGORITHMS,
  OID_EC_PUBLIC_KEY,
  OID_RSA_ENCRYPTION,
  curveByOid,
  type CurveInfo,
} from './oids.js';

export type { EcCurveName, EcPublicKey, PublicKey, RsaPrivateKey, RsaPublicKey } from './key-types.js';

/** Smaller moduli only appear in attacks; larger ones are beyond Mbed TLS's MPI limit. */
const RSA_MIN_BITS = 512;
const RSA_MAX_BITS = 8192;
/**
 * Largest RSA public exponent, in bits (OpenSSL's OPENSSL_RSA_MAX_PUBEXP_BITS; Go and
 * BoringSSL are stricter). Real keys use 65537; an exponent as long as the modulus makes
 * every signature check a private-key-sized exponentiation, which a server could use to
 * stall a client (one such certificate per candidate issuer) before it is authenticated.
 */
const RSA_MAX_EXPONENT_BITS = 64;

const PASSWORD_MESSAGE = 'the private key is encrypted; the key must be without a password: `openssl pkey -in key.pem -out plain.pem`';

const EC_PRIVATE_MESSAGE = 'an EC key: only RSA client keys are supported';

const INVALID = 'PK_KEY_INVALID_FORMAT';

/**
 * Key fields are copied out of the input: the input may be a Buffer or a reused network
 * buffer, and a key must neither alias it nor be a Buffer (its fields compare as plain bytes).
 */
function own(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

// ---- public keys -------------------------------------------------------------------

export function importPublicKey(pemOrDer: string | Uint8Array): PublicKey {
  if (typeof pemOrDer === 'string' || looksLikePem(pemOrDer)) {
    const blocks = decodePem(typeof pemOrDer === 'string' ? pemOrDer : asciiDecode(pemOrDer));
    const block = blocks.find((b) => b.label === 'PUBLIC KEY' || b.label === 'RSA PUBLIC KEY');
    if (!block) fail(INVALID, `no PUBLIC KEY in the PEM (found ${labels(blocks)})`);
    return block.label === 'PUBLIC KEY' ? parseSubjectPublicKeyInfo(block.der) : parseRsaPublicKey(block.der);
  }
  // SubjectPublicKeyInfo starts with the AlgorithmIdentifier SEQUENCE, PKCS#1 RSAPublicKey
  // with the modulus INTEGER.
  const outer = new DerReader(pemOrDer, INVALID, 'public key').sequence();
  return outer.peekTag() === TAG.INTEGER ? parseRsaPublicKey(pemOrDer) : parseSubjectPublicKeyInfo(pemOrDer);
}

export function parseSubjectPublicKeyInfo(der: Uint8Array): PublicKey {
  const top = new DerReader(der, INVALID, 'SubjectPublicKeyInfo');
  const spki = top.sequence();
  top.end();
  const alg = spki.sequence();
  const oid = alg.oid();
  const keyBytes = spki.bitStringBytes();
  spki.end();
  if (oid === OID_RSA_ENCRYPTION) {
    rsaNullParameters(alg);
    return parseRsaPublicKey(keyBytes);
  }
  if (oid === OID_EC_PUBLIC_KEY) {
    const curve = namedCurve(alg);
    alg.end();
    return ecPublicKey(curve, keyBytes);
  }
  return unknownAlgorithm(oid);
}

/** PKCS#1 RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }. */
export function parseRsaPublicKey(der: Uint8Array): RsaPublicKey {
  const top = new DerReader(der, INVALID, 'RSAPublicKey');
  const seq = top.sequence();
  top.end();
  const modulus = own(seq.unsignedInteger());
  const publicExponent = own(seq.unsignedInteger());
  seq.end();
  return checkRsaPublic({ type: 'rsa', modulus, publicExponent, bits: bitLength(modulus) });
}

function checkRsaPublic(key: RsaPublicKey): RsaPublicKey {
  if (key.bits < RSA_MIN_BITS || key.bits > RSA_MAX_BITS) {
    fail('PK_INVALID_PUBKEY', `RSA modulus of ${key.bits} bits (${RSA_MIN_BITS} to ${RSA_MAX_BITS} supported)`);
  }
  if (!isOdd(key.modulus)) fail('PK_INVALID_PUBKEY', 'RSA modulus is even');
  const e = key.publicExponent;
  if (!isOdd(e) || compareUnsigned(e, Uint8Array.of(3)) < 0 || compareUnsigned(e, key.modulus) >= 0) {
    fail('PK_INVALID_PUBKEY', 'RSA public exponent must be odd, at least 3 and smaller than the modulus');
  }
  if (bitLength(e) > RSA_MAX_EXPONENT_BITS) {
    fail('PK_INVALID_PUBKEY', `RSA public exponent of ${bitLength(e)} bits (at most ${RSA_MAX_EXPONENT_BITS})`);
  }
  return key;
}

function rsaNullParameters(alg: DerReader): void {
  // RFC 3279 requires NULL; absent parameters are accepted like Mbed TLS and OpenSSL do.
  if (alg.remaining > 0) alg.null();
  alg.end();
}

function namedCurve(alg: DerReader): CurveInfo {
  const tag = alg.peekTag();
  if (tag === undefined) fail(INVALID, 'EC key without curve parameters');
  if (tag !== TAG.OID) fail('PK_UNKNOWN_NAMED_CURVE', 'explicit EC curve parameters: use a named curve (P-256, P-384, P-521)');
  const oid = alg.oid();
  const curve = curveByOid(oid);
  if (!curve) {
    const known = KNOWN_UNSUPPORTED_CURVES[oid];
    fail('PK_UNKNOWN_NAMED_CURVE', `curve ${known ?? oid} (use P-256, P-384, P-521)`, { oid });
  }
  return curve;
}

/** Validates the point (on the curve, not the identity) and returns it uncompressed. */
function ecPublicKey(curve: CurveInfo, point: Uint8Array): EcPublicKey {
  const f = curve.fieldBytes;
  const form = point[0];
  const okLength = form === 4 ? point.length === 1 + 2 * f : form === 2 || form === 3 ? point.length === 1 + f : false;
  if (!okLength) fail('PK_INVALID_PUBKEY', `${curve.name} public key: bad point length ${point.length}`);
  let uncompressed: Uint8Array;
  try {
    uncompressed = own(ecPointUncompressed(curve.name, point));
  } catch (err) {
    throw new MicroTlsError('PK_INVALID_PUBKEY', `${curve.name} public key: not on the curve`, {}, { cause: err });
  }
  return { type: 'ec', curve: curve.name, point: uncompressed, bits: curve.bits };
}

function unknownAlgorithm(oid: string): never {
  const name = KNOWN_UNSUPPORTED_KEY_ALGORITHMS[oid];
  fail('PK_UNKNOWN_PK_ALG', `key algorithm ${name ? `${name} (${oid})` : oid} (only RSA and EC)`, { oid });
}

function labels(blocks: PemBlock[]): string {
  return blocks.map((b) => b.label).join(', ');
}

// ---- private keys ------------------------------------------------------------------

export function importPrivateKey(pemOrDer: string | Uint8Array): RsaPrivateKey {
  if (typeof pemOrDer === 'string' || looksLikePem(pemOrDer)) {
    return importPrivatePem(decodePem(typeof pemOrDer === 'string' ? pemOrDer : asciiDecode(pemOrDer)));
  }
  return importPrivateDer(pemOrDer);
}

function importPrivatePem(blocks: PemBlock[]): RsaPrivateKey {
  const block = blocks.find((b) => b.label.endsWith('PRIVATE KEY'));
  if (!block) fail(INVALID, `no PRIVATE KEY in the PEM (found ${labels(blocks)})`);
  const procType = block.headers['Proc-Type'];
  if (block.label === 'ENCRYPTED PRIVATE KEY' || (procType !== undefined && /ENCRYPTED/i.test(procType))) {
    fail('PK_PASSWORD_REQUIRED', PASSWORD_MESSAGE);
  }
  switch (block.label) {
    case 'RSA PRIVATE KEY':
      return parseRsaPrivateKey(block.der);
    case 'PRIVATE KEY':
      return parsePkcs8(block.der);
    case 'EC PRIVATE KEY':
      return fail('PK_FEATURE_UNAVAILABLE', EC_PRIVATE_MESSAGE);
    default:
      return fail(INVALID, `"${block.label}": use an "RSA PRIVATE KEY" or "PRIVATE KEY"`);
  }
}

function importPrivateDer(der: Uint8Array): RsaPrivateKey {
  const outer = new DerReader(der, INVALID, 'private key').sequence();
  const first = outer.read();
  if (first.tag === TAG.SEQUENCE) fail('PK_PASSWORD_REQUIRED', PASSWORD_MESSAGE); // EncryptedPrivateKeyInfo
  if (first.tag !== TAG.INTEGER) fail(INVALID, 'not a PKCS#1 or PKCS#8 private key');
  switch (outer.peekTag()) {
    case TAG.INTEGER:
      return parseRsaPrivateKey(der);
    case TAG.SEQUENCE:
      return parsePkcs8(der);
    case TAG.OCTET_STRING: // SEC1 ECPrivateKey
      return fail('PK_FEATURE_UNAVAILABLE', EC_PRIVATE_MESSAGE);
    default:
      return fail(INVALID, 'not a PKCS#1 or PKCS#8 private key');
  }
}

/** PKCS#8 PrivateKeyInfo (v1) or OneAsymmetricKey (v2, RFC 5958). */
export function parsePkcs8(der: Uint8Array): RsaPrivateKey {
  const top = new DerReader(der, INVALID, 'PKCS#8 PrivateKeyInfo');
  const seq = top.sequence();
  top.end();
  const version = seq.smallInteger();
  if (version > 1) fail('PK_KEY_INVALID_VERSION', `PKCS#8 version ${version}`);
  const alg = seq.sequence();
  const oid = alg.oid();
  const inner = seq.octetString();
  // Optional [0] attributes and (v2) [1] public key carry nothing we need.
  if (seq.peekTag() === 0xa0) seq.read();
  if (version === 1 && seq.peekTag() === 0x81) seq.read();
  seq.end();
  if (oid === OID_RSA_ENCRYPTION) {
    rsaNullParameters(alg);
    return parseRsaPrivateKey(inner);
  }
  if (oid === OID_EC_PUBLIC_KEY) fail('PK_FEATURE_UNAVAILABLE', EC_PRIVATE_MESSAGE);
  return unknownAlgorithm(oid);
}

/** PKCS#1 RSAPrivateKey (two-prime, version 0), checked for consistency. */
export function parseRsaPrivateKey(der: Uint8Array): RsaPrivateKey {
  const top = new DerReader(der, INVALID, 'RSAPrivateKey');
  const seq = top.sequence();
  top.end();
  const version = seq.smallInteger();
  if (version === 1) fail('PK_FEATURE_UNAVAILABLE', 'multi-prime RSA key');
  if (version !== 0) fail('PK_KEY_INVALID_VERSION', `RSAPrivateKey version ${version}`);
  const modulus = own(seq.unsignedInteger());
  const publicExponent = own(seq.unsignedInteger());
  const privateExponent = own(seq.unsignedInteger());
  const prime1 = own(seq.unsignedInteger());
  const prime2 = own(seq.unsignedInteger());
  const exponent1 = own(seq.unsignedInteger());
  const exponent2 = own(seq.unsignedInteger());
  const coefficient = own(seq.unsignedInteger());
  seq.end();
  const key: RsaPrivateKey = {
    type: 'rsa-private',
    modulus,
    publicExponent,
    privateExponent,
    prime1,
    prime2,
    exponent1,
    exponent2,
    coefficient,
    bits: bitLength(modulus),
  };
  checkRsaPublic(rsaPublicKeyOf(key));
  rsaCheckPrivateKey(key);
  return key;
}

export function rsaPublicKeyOf(priv: RsaPrivateKey): RsaPublicKey {
  return { type: 'rsa', modulus: priv.modulus, publicExponent: priv.publicExponent, bits: priv.bits };
}

/** Throws RSA_KEY_CHECK_FAILED when the private key's numbers do not belong together. */
export function rsaCheckPrivateKey(priv: RsaPrivateKey): void {
  const problem = rsaKeyProblem(priv);
  if (problem !== undefined) fail('RSA_KEY_CHECK_FAILED', `inconsistent RSA private key: ${problem}`);
}

/**
 * Throws RSA_KEY_CHECK_FAILED unless `pub` (say, from the client certificate) is the public
 * half of `priv` (Mbed TLS mbedtls_pk_check_pair).
 */
export function rsaCheckKeyPair(pub: PublicKey, priv: RsaPrivateKey): void {
  if (pub.type !== 'rsa') fail('PK_TYPE_MISMATCH', `the certificate has a ${pub.curve} EC key, the private key is RSA`);
  if (compareUnsigned(pub.modulus, priv.modulus) !== 0 || compareUnsigned(pub.publicExponent, priv.publicExponent) !== 0) {
    fail('RSA_KEY_CHECK_FAILED', 'the private key does not belong to the certificate');
  }
}
