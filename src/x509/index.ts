/** The x509 layer's public API (re-exported by the core entry point). */
export { parseCertificate, parseCertificates, DEFAULT_MAX_FILE_BYTES, type Certificate, type ParseOptions, type SignatureAlgorithm } from './certificate.js';
export type { Name, NameAttribute } from './name.js';
export type { Extensions, BasicConstraints, NameConstraints, AuthorityKeyIdentifier } from './extensions.js';
export type { GeneralName } from './general-name.js';
export { verifyChain, DEFAULT_MAX_DEPTH, type VerifyOptions, type VerifyResult } from './verify.js';
export { VERIFY_FLAGS, VERIFY_FLAG_MEANINGS, VERIFY_FLAG_ALERTS, alertForFlags, flagNames, type VerifyFlagName } from './flags.js';
export { DEFAULT_POLICY, WEBPKI_POLICY, type VerifyPolicy } from './policy.js';
export { describeCertificate, describeKey, certificateLine } from './describe.js';
export { suggestTrustAnchor, type TrustAnchorSuggestion } from './suggest.js';
export type { CertificateInput } from './input.js';
export { checkServerName } from './hostname.js';
export { createChainVerifier, type ChainVerifier, type ChainVerifierOptions, type ChainVerifierOutcome } from './verifier.js';
