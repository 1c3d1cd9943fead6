/** Public API of the crypto layer (keys, RSA, ECDSA, signatures, the TLS PRF). */
export type { EcCurveName, EcPublicKey, PublicKey, RsaPrivateKey, RsaPublicKey } from './key-types.js';
export {
  importPrivateKey,
  importPublicKey,
  parsePkcs8,
  parseRsaPrivateKey,
  parseRsaPublicKey,
  parseSubjectPublicKeyInfo,
  rsaCheckKeyPair,
  rsaCheckPrivateKey,
  rsaPublicKeyOf,
} from './keys.js';
export { rsaEncryptPkcs1v15, rsaSignPkcs1v15, rsaVerifyPkcs1v15, type RandomBytes, type RsaEngine, type RsaPublicEngine } from './rsa.js';
export { ecdsaVerify } from './ecdsa.js';
export { verifySignature } from './signature.js';
export { SIGNATURE_SCHEMES, signatureSchemeByCode, type SignatureScheme } from './signature-schemes.js';
export { prf } from './prf.js';
export { DIGEST_INFO_PREFIX } from './digest-info.js';
export { CURVES, curveByName, curveByOid, type CurveInfo } from './oids.js';
export { decodePem, encodePem, looksLikePem, type PemBlock } from '../encoding/pem.js';
