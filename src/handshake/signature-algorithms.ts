import { SIGNATURE_SCHEMES } from '../crypto/signature-schemes.js';

/**
 * The signature_algorithms we offer: the reference device's ten (manual 2.4), in its
 * order, from the crypto layer's table. With RSA key exchange they only steer which chain
 * the server presents; the client-certificate work picks CertificateVerify's hash from it.
 */
export const OFFERED_SIGNATURE_ALGORITHMS: readonly number[] = SIGNATURE_SCHEMES.map((s) => s.code);
