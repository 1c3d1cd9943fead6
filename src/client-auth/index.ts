/** Client certificate authentication: credentials, CertificateRequest, CertificateVerify. */
export { MAX_CERTIFICATE_MESSAGE_BYTES, loadClientCredentials } from './credentials.js';
export type { ClientCredentials, ClientCredentialsInput, CredentialSource } from './credentials.js';
export {
  CLIENT_CERTIFICATE_TYPE, CLIENT_SIGNATURE_PREFERENCE, chooseClientSignatureScheme, parseCertificateRequest,
  planClientCertificate, requireChainPlan, serverAcceptsRsa,
} from './certificate-request.js';
export type { CertificateRequest, ClientCertificatePlan, SchemeChoiceOptions } from './certificate-request.js';
export { encodeCertificateVerify } from './certificate-verify.js';
