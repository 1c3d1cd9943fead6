import type { PublicKey } from '../crypto/key-types.js';
import { parseSubjectPublicKeyInfo } from '../crypto/keys.js';
import { contextTag, DerReader, TAG } from '../encoding/der.js';
import { asMicroTlsError, MicroTlsError } from '../errors.js';
import { AlertDescription } from '../record/alerts.js';
import { parseCertificate } from '../x509/certificate.js';

/**
 * The server's public key for the RSA key exchange, from the leaf certificate.
 *
 * Without verification the handshake needs nothing but the SubjectPublicKeyInfo, and a
 * full parseCertificate (asn1js, names, extensions, dates) costs about 1 ms of a ~4 ms
 * handshake on a desktop, far more on a device. So the unverified path walks the
 * TBSCertificate with the strict DER reader to the SPKI (skipping, not interpreting,
 * the fields before it) and hands that to the key parser.
 *
 * With a verifier configured the key comes from parseCertificate, the same parser the
 * verifier uses: two parsers reading one certificate must never pick different keys (a
 * parser differential would let a verified certificate carry an unverified key).
 */
export function serverPublicKey(leaf: Uint8Array, fullParse: boolean): PublicKey {
  try {
    if (fullParse) return parseCertificate(leaf).publicKey;
    const cert = new DerReader(leaf, 'X509_INVALID_FORMAT', 'server certificate').sequence();
    const tbs = cert.sequence();
    if (tbs.peekTag() === contextTag(0)) tbs.read(); // version
    tbs.read(TAG.INTEGER); // serialNumber
    tbs.read(TAG.SEQUENCE); // signature AlgorithmIdentifier
    tbs.read(TAG.SEQUENCE); // issuer
    tbs.read(TAG.SEQUENCE); // validity
    tbs.read(TAG.SEQUENCE); // subject
    return parseSubjectPublicKeyInfo(tbs.read(TAG.SEQUENCE).raw);
  } catch (e) {
    const err = asMicroTlsError(e, 'X509_INVALID_FORMAT', 'server certificate');
    throw new MicroTlsError(err.code, `cannot read the server certificate's public key: ${err.message}`,
      { ...err.info, alert: AlertDescription.bad_certificate }, { cause: err });
  }
}
