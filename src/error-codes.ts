/**
 * Mbed TLS error codes raised by microtls, as data. Values and names are Mbed TLS's own
 * (the reference device shows them in its "Status codes" field, manual Appendix I), so a
 * code printed by microtls can be looked up in Mbed TLS documentation and vice versa.
 */
export interface ErrorCodeInfo {
  readonly code: number;
  readonly name: string;
  readonly meaning: string;
}

const table = [
  // SSL (manual Appendix I)
  [-0x7080, 'MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE', 'The requested feature is not available.'],
  [-0x7100, 'MBEDTLS_ERR_SSL_BAD_INPUT_DATA', 'Bad input parameters to function.'],
  [-0x7180, 'MBEDTLS_ERR_SSL_INVALID_MAC', 'Verification of the message MAC failed.'],
  [-0x7200, 'MBEDTLS_ERR_SSL_INVALID_RECORD', 'An invalid SSL record was received.'],
  [-0x7280, 'MBEDTLS_ERR_SSL_CONN_EOF', 'The connection indicated an EOF.'],
  [-0x7300, 'MBEDTLS_ERR_SSL_UNKNOWN_CIPHER', 'An unknown cipher was received.'],
  [-0x7380, 'MBEDTLS_ERR_SSL_NO_CIPHER_CHOSEN', 'The server has no ciphersuites in common with the client.'],
  [-0x7400, 'MBEDTLS_ERR_SSL_NO_RNG', 'No RNG was provided to the SSL module.'],
  [-0x7480, 'MBEDTLS_ERR_SSL_NO_CLIENT_CERTIFICATE', 'No client certification received from the client, but required by the authentication mode.'],
  [-0x7500, 'MBEDTLS_ERR_SSL_CERTIFICATE_TOO_LARGE', 'Our own certificate(s) is/are too large to send in an SSL message.'],
  [-0x7580, 'MBEDTLS_ERR_SSL_CERTIFICATE_REQUIRED', 'The own certificate is not set, but needed by the server.'],
  [-0x7600, 'MBEDTLS_ERR_SSL_PRIVATE_KEY_REQUIRED', 'The own private key or pre-shared key is not set, but needed.'],
  [-0x7680, 'MBEDTLS_ERR_SSL_CA_CHAIN_REQUIRED', 'No CA Chain is set, but required to operate.'],
  [-0x7700, 'MBEDTLS_ERR_SSL_UNEXPECTED_MESSAGE', 'An unexpected message was received from our peer.'],
  [-0x7780, 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE', 'A fatal alert message was received from our peer.'],
  [-0x7800, 'MBEDTLS_ERR_SSL_PEER_VERIFY_FAILED', 'Verification of our peer failed.'],
  [-0x7880, 'MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY', 'The peer notified us that the connection is going to be closed.'],
  [-0x7900, 'MBEDTLS_ERR_SSL_BAD_HS_CLIENT_HELLO', 'Processing of the ClientHello handshake message failed.'],
  [-0x7980, 'MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO', 'Processing of the ServerHello handshake message failed.'],
  [-0x7a00, 'MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE', 'Processing of the Certificate handshake message failed.'],
  [-0x7a80, 'MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE_REQUEST', 'Processing of the CertificateRequest handshake message failed.'],
  [-0x7b00, 'MBEDTLS_ERR_SSL_BAD_HS_SERVER_KEY_EXCHANGE', 'Processing of the ServerKeyExchange handshake message failed.'],
  [-0x7b80, 'MBEDTLS_ERR_SSL_BAD_HS_SERVER_HELLO_DONE', 'Processing of the ServerHelloDone handshake message failed.'],
  [-0x7c00, 'MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE', 'Processing of the ClientKeyExchange handshake message failed.'],
  [-0x7c80, 'MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE_RP', 'Processing of the ClientKeyExchange handshake message failed in DHM / ECDH Read Public.'],
  [-0x7d00, 'MBEDTLS_ERR_SSL_BAD_HS_CLIENT_KEY_EXCHANGE_CS', 'Processing of the ClientKeyExchange handshake message failed in DHM / ECDH Calculate Secret.'],
  [-0x7d80, 'MBEDTLS_ERR_SSL_BAD_HS_CERTIFICATE_VERIFY', 'Processing of the CertificateVerify handshake message failed.'],
  [-0x7e00, 'MBEDTLS_ERR_SSL_BAD_HS_CHANGE_CIPHER_SPEC', 'Processing of the ChangeCipherSpec handshake message failed.'],
  [-0x7e80, 'MBEDTLS_ERR_SSL_BAD_HS_FINISHED', 'Processing of the Finished handshake message failed.'],
  [-0x7f00, 'MBEDTLS_ERR_SSL_ALLOC_FAILED', 'Memory allocation failed.'],
  [-0x7f80, 'MBEDTLS_ERR_SSL_HW_ACCEL_FAILED', 'Hardware acceleration function returned with error.'],
  [-0x6f80, 'MBEDTLS_ERR_SSL_HW_ACCEL_FALLTHROUGH', 'Hardware acceleration function skipped / left alone data.'],
  [-0x6f00, 'MBEDTLS_ERR_SSL_COMPRESSION_FAILED', 'Processing of the compression / decompression failed.'],
  [-0x6e80, 'MBEDTLS_ERR_SSL_BAD_HS_PROTOCOL_VERSION', 'Handshake protocol not within min/max boundaries.'],
  [-0x6e00, 'MBEDTLS_ERR_SSL_BAD_HS_NEW_SESSION_TICKET', 'Processing of the NewSessionTicket handshake message failed.'],
  [-0x6d80, 'MBEDTLS_ERR_SSL_SESSION_TICKET_EXPIRED', 'Session ticket has expired.'],
  [-0x6d00, 'MBEDTLS_ERR_SSL_PK_TYPE_MISMATCH', 'Public key type mismatch (eg, asked for RSA key exchange and presented EC key).'],
  [-0x6c80, 'MBEDTLS_ERR_SSL_UNKNOWN_IDENTITY', 'Unknown identity received (eg, PSK identity).'],
  [-0x6c00, 'MBEDTLS_ERR_SSL_INTERNAL_ERROR', 'Internal error (eg, unexpected failure in lower-level module).'],
  [-0x6b80, 'MBEDTLS_ERR_SSL_COUNTER_WRAPPING', 'A counter would wrap (eg, too many messages exchanged).'],
  [-0x6b00, 'MBEDTLS_ERR_SSL_WAITING_SERVER_HELLO_RENEGO', 'Unexpected message at ServerHello in renegotiation.'],
  [-0x6a80, 'MBEDTLS_ERR_SSL_HELLO_VERIFY_REQUIRED', 'DTLS client must retry for hello verification.'],
  [-0x6a00, 'MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL', 'A buffer is too small to receive or write a message.'],
  [-0x6980, 'MBEDTLS_ERR_SSL_NO_USABLE_CIPHERSUITE', 'None of the common ciphersuites is usable (eg, no suitable certificate, see debug messages).'],
  [-0x6900, 'MBEDTLS_ERR_SSL_WANT_READ', 'No data of requested type currently available on underlying transport.'],
  [-0x6880, 'MBEDTLS_ERR_SSL_WANT_WRITE', 'Connection requires a write call.'],
  [-0x6800, 'MBEDTLS_ERR_SSL_TIMEOUT', 'The operation timed out.'],
  [-0x6780, 'MBEDTLS_ERR_SSL_CLIENT_RECONNECT', 'The client initiated a reconnect from the same port.'],
  [-0x6700, 'MBEDTLS_ERR_SSL_UNEXPECTED_RECORD', 'Record header looks valid but is not expected.'],
  [-0x6680, 'MBEDTLS_ERR_SSL_NON_FATAL', 'The alert message received indicates a non-fatal error.'],
  [-0x6600, 'MBEDTLS_ERR_SSL_INVALID_VERIFY_HASH', "Couldn't set the hash for verifying CertificateVerify."],
  [-0x6580, 'MBEDTLS_ERR_SSL_CONTINUE_PROCESSING', 'Internal-only message signaling that further message-processing should be done.'],
  [-0x6500, 'MBEDTLS_ERR_SSL_ASYNC_IN_PROGRESS', 'The asynchronous operation is not completed yet.'],
  [-0x6480, 'MBEDTLS_ERR_SSL_EARLY_MESSAGE', 'Internal-only message signaling that a message arrived early.'],
  [-0x6000, 'MBEDTLS_ERR_SSL_UNEXPECTED_CID', 'An encrypted DTLS-frame with an unexpected CID was received.'],
  [-0x5f00, 'MBEDTLS_ERR_SSL_VERSION_MISMATCH', 'An operation failed due to an unexpected version or configuration.'],
  [-0x7000, 'MBEDTLS_ERR_SSL_CRYPTO_IN_PROGRESS', 'A cryptographic operation is in progress. Try again later.'],
  [-0x5e80, 'MBEDTLS_ERR_SSL_BAD_CONFIG', 'Invalid value in SSL config.'],
  [-0x5d80, 'MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME', 'Attempt to verify a certificate without an expected hostname.'],
  // X509 (manual Appendix I)
  [-0x2080, 'MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE', 'Unavailable feature, e.g. RSA hashing/encryption combination.'],
  [-0x2100, 'MBEDTLS_ERR_X509_UNKNOWN_OID', 'Requested OID is unknown.'],
  [-0x2180, 'MBEDTLS_ERR_X509_INVALID_FORMAT', 'The CRT/CRL/CSR format is invalid, e.g. different type expected.'],
  [-0x2200, 'MBEDTLS_ERR_X509_INVALID_VERSION', 'The CRT/CRL/CSR version element is invalid.'],
  [-0x2280, 'MBEDTLS_ERR_X509_INVALID_SERIAL', 'The serial tag or value is invalid.'],
  [-0x2300, 'MBEDTLS_ERR_X509_INVALID_ALG', 'The algorithm tag or value is invalid.'],
  [-0x2380, 'MBEDTLS_ERR_X509_INVALID_NAME', 'The name tag or value is invalid.'],
  [-0x2400, 'MBEDTLS_ERR_X509_INVALID_DATE', 'The date tag or value is invalid.'],
  [-0x2480, 'MBEDTLS_ERR_X509_INVALID_SIGNATURE', 'The signature tag or value invalid.'],
  [-0x2500, 'MBEDTLS_ERR_X509_INVALID_EXTENSIONS', 'The extension tag or value is invalid.'],
  [-0x2580, 'MBEDTLS_ERR_X509_UNKNOWN_VERSION', 'CRT/CRL/CSR has an unsupported version number.'],
  [-0x2600, 'MBEDTLS_ERR_X509_UNKNOWN_SIG_ALG', 'Signature algorithm (oid) is unsupported.'],
  [-0x2680, 'MBEDTLS_ERR_X509_SIG_MISMATCH', 'Signature algorithms do not match.'],
  [-0x2700, 'MBEDTLS_ERR_X509_CERT_VERIFY_FAILED', 'Certificate verification failed, e.g. CRL, CA or signature check failed.'],
  [-0x2780, 'MBEDTLS_ERR_X509_CERT_UNKNOWN_FORMAT', 'Format not recognized as DER or PEM.'],
  [-0x2800, 'MBEDTLS_ERR_X509_BAD_INPUT_DATA', 'Input invalid.'],
  [-0x2880, 'MBEDTLS_ERR_X509_ALLOC_FAILED', 'Allocation of memory failed.'],
  [-0x2900, 'MBEDTLS_ERR_X509_FILE_IO_ERROR', 'Read/write of file failed.'],
  [-0x2980, 'MBEDTLS_ERR_X509_BUFFER_TOO_SMALL', 'Destination buffer is too small.'],
  [-0x3000, 'MBEDTLS_ERR_X509_FATAL_ERROR', 'A fatal error occurred, eg the chain is too long or the vrfy callback failed.'],
  // PK
  [-0x3f80, 'MBEDTLS_ERR_PK_ALLOC_FAILED', 'Memory allocation failed.'],
  [-0x3f00, 'MBEDTLS_ERR_PK_TYPE_MISMATCH', 'Type mismatch, eg attempt to encrypt with an ECDSA key.'],
  [-0x3e80, 'MBEDTLS_ERR_PK_BAD_INPUT_DATA', 'Bad input parameters to function.'],
  [-0x3e00, 'MBEDTLS_ERR_PK_FILE_IO_ERROR', 'Read/write of file failed.'],
  [-0x3d80, 'MBEDTLS_ERR_PK_KEY_INVALID_VERSION', 'Unsupported key version.'],
  [-0x3d00, 'MBEDTLS_ERR_PK_KEY_INVALID_FORMAT', 'Invalid key tag or value.'],
  [-0x3c80, 'MBEDTLS_ERR_PK_UNKNOWN_PK_ALG', 'Key algorithm is unsupported (only RSA and EC are supported).'],
  [-0x3c00, 'MBEDTLS_ERR_PK_PASSWORD_REQUIRED', 'Private key password can\'t be empty.'],
  [-0x3b80, 'MBEDTLS_ERR_PK_PASSWORD_MISMATCH', 'Given private key password does not allow for correct decryption.'],
  [-0x3b00, 'MBEDTLS_ERR_PK_INVALID_PUBKEY', 'The pubkey tag or value is invalid (only RSA and EC are supported).'],
  [-0x3a80, 'MBEDTLS_ERR_PK_INVALID_ALG', 'The algorithm tag or value is invalid.'],
  [-0x3a00, 'MBEDTLS_ERR_PK_UNKNOWN_NAMED_CURVE', 'Elliptic curve is unsupported (only NIST curves are supported).'],
  [-0x3980, 'MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE', 'Unavailable feature, e.g. RSA disabled for RSA key.'],
  [-0x3900, 'MBEDTLS_ERR_PK_SIG_LEN_MISMATCH', 'The buffer contains a valid signature followed by more data.'],
  [-0x3880, 'MBEDTLS_ERR_PK_BUFFER_TOO_SMALL', 'The output buffer is too small.'],
  // RSA
  [-0x4080, 'MBEDTLS_ERR_RSA_BAD_INPUT_DATA', 'Bad input parameters to function.'],
  [-0x4100, 'MBEDTLS_ERR_RSA_INVALID_PADDING', 'Input data contains invalid padding and is rejected.'],
  [-0x4180, 'MBEDTLS_ERR_RSA_KEY_GEN_FAILED', 'Something failed during generation of a key.'],
  [-0x4200, 'MBEDTLS_ERR_RSA_KEY_CHECK_FAILED', 'Key failed to pass the validity check of the library.'],
  [-0x4280, 'MBEDTLS_ERR_RSA_PUBLIC_FAILED', 'The public key operation failed.'],
  [-0x4300, 'MBEDTLS_ERR_RSA_PRIVATE_FAILED', 'The private key operation failed.'],
  [-0x4380, 'MBEDTLS_ERR_RSA_VERIFY_FAILED', 'The PKCS#1 verification failed.'],
  [-0x4400, 'MBEDTLS_ERR_RSA_OUTPUT_TOO_LARGE', 'The output buffer for decryption is not large enough.'],
  [-0x4480, 'MBEDTLS_ERR_RSA_RNG_FAILED', 'The random generator failed to generate non-zeros.'],
  // ECP
  [-0x4f80, 'MBEDTLS_ERR_ECP_BAD_INPUT_DATA', 'Bad input parameters to function.'],
  [-0x4e80, 'MBEDTLS_ERR_ECP_FEATURE_UNAVAILABLE', 'The requested feature is not available, for example, the requested curve is not supported.'],
  [-0x4e00, 'MBEDTLS_ERR_ECP_VERIFY_FAILED', 'The signature is not valid.'],
  [-0x4c80, 'MBEDTLS_ERR_ECP_INVALID_KEY', 'Invalid private or public key.'],
  [-0x4c00, 'MBEDTLS_ERR_ECP_SIG_LEN_MISMATCH', 'The buffer contains a valid signature followed by more data.'],
  // PEM
  [-0x1080, 'MBEDTLS_ERR_PEM_NO_HEADER_FOOTER_PRESENT', 'No PEM header or footer found.'],
  [-0x1100, 'MBEDTLS_ERR_PEM_INVALID_DATA', 'PEM string is not as expected.'],
  [-0x1200, 'MBEDTLS_ERR_PEM_INVALID_ENC_IV', 'RSA IV is not in hex-format.'],
  [-0x1280, 'MBEDTLS_ERR_PEM_UNKNOWN_ENC_ALG', 'Unsupported key encryption algorithm.'],
  [-0x1300, 'MBEDTLS_ERR_PEM_PASSWORD_REQUIRED', 'Private key password can\'t be empty.'],
  [-0x1400, 'MBEDTLS_ERR_PEM_FEATURE_UNAVAILABLE', 'Unavailable feature, e.g. hashing/encryption combination.'],
  [-0x1480, 'MBEDTLS_ERR_PEM_BAD_INPUT_DATA', 'Bad input parameters to function.'],
  // ASN.1
  [-0x0060, 'MBEDTLS_ERR_ASN1_OUT_OF_DATA', 'Out of data when parsing an ASN1 data structure.'],
  [-0x0062, 'MBEDTLS_ERR_ASN1_UNEXPECTED_TAG', 'ASN1 tag was of an unexpected value.'],
  [-0x0064, 'MBEDTLS_ERR_ASN1_INVALID_LENGTH', 'Error when trying to determine the length or invalid length.'],
  [-0x0066, 'MBEDTLS_ERR_ASN1_LENGTH_MISMATCH', 'Actual length differs from expected length.'],
  [-0x0068, 'MBEDTLS_ERR_ASN1_INVALID_DATA', 'Data is invalid.'],
  // Cipher, GCM, CCM
  [-0x6080, 'MBEDTLS_ERR_CIPHER_FEATURE_UNAVAILABLE', 'The selected feature is not available.'],
  [-0x6100, 'MBEDTLS_ERR_CIPHER_BAD_INPUT_DATA', 'Bad input parameters.'],
  [-0x6200, 'MBEDTLS_ERR_CIPHER_INVALID_PADDING', 'Input data contains invalid padding and is rejected.'],
  [-0x6280, 'MBEDTLS_ERR_CIPHER_FULL_BLOCK_EXPECTED', 'Decryption of block requires a full block.'],
  [-0x6300, 'MBEDTLS_ERR_CIPHER_AUTH_FAILED', 'Authentication failed (for AEAD modes).'],
  [-0x0012, 'MBEDTLS_ERR_GCM_AUTH_FAILED', 'Authenticated decryption failed.'],
  [-0x0014, 'MBEDTLS_ERR_GCM_BAD_INPUT', 'Bad input parameters to function.'],
  [-0x000d, 'MBEDTLS_ERR_CCM_BAD_INPUT', 'Bad input parameters to the function.'],
  [-0x000f, 'MBEDTLS_ERR_CCM_AUTH_FAILED', 'Authenticated decryption failed.'],
  // Message digest
  [-0x5080, 'MBEDTLS_ERR_MD_FEATURE_UNAVAILABLE', 'The selected feature is not available.'],
  [-0x5100, 'MBEDTLS_ERR_MD_BAD_INPUT_DATA', 'Bad input parameters to function.'],
  // Entropy / network
  [-0x003c, 'MBEDTLS_ERR_ENTROPY_SOURCE_FAILED', 'Critical entropy source failure.'],
  [-0x0042, 'MBEDTLS_ERR_NET_SOCKET_FAILED', 'Failed to open a socket.'],
  [-0x0044, 'MBEDTLS_ERR_NET_CONNECT_FAILED', 'The connection to the given server / port failed.'],
  [-0x004c, 'MBEDTLS_ERR_NET_RECV_FAILED', 'Reading information from the socket failed.'],
  [-0x004e, 'MBEDTLS_ERR_NET_SEND_FAILED', 'Sending information through the socket failed.'],
  [-0x0050, 'MBEDTLS_ERR_NET_CONN_RESET', 'Connection was reset by peer.'],
  [-0x0052, 'MBEDTLS_ERR_NET_UNKNOWN_HOST', 'Failed to get an IP address for the given hostname.'],
  // Base64, bignum (src/encoding/base64.ts, src/crypto/bigint.ts)
  [-0x002c, 'MBEDTLS_ERR_BASE64_INVALID_CHARACTER', 'Invalid character in input.'],
  [-0x0004, 'MBEDTLS_ERR_MPI_BAD_INPUT_DATA', 'Bad input parameters to function.'],
  [-0x000c, 'MBEDTLS_ERR_MPI_DIVISION_BY_ZERO', 'The input argument for division is zero, which is not allowed.'],
  [-0x000e, 'MBEDTLS_ERR_MPI_NOT_ACCEPTABLE', 'The input arguments are not acceptable.'],
  // microtls's own MQTT codes, NOT Mbed TLS's (Mbed TLS has no MQTT). They sit in 0x5880-0x5D00,
  // a gap between Mbed TLS's MD (down to -0x5200) and SSL (up from -0x5D80, which is
  // MBEDTLS_ERR_SSL_CERTIFICATE_VERIFICATION_WITHOUT_HOSTNAME since 3.6.3) blocks, so no value is shared.
  [-0x5880, 'MICROTLS_ERR_MQTT_PROTOCOL', 'Malformed MQTT packet or MQTT 3.1.1 rule violated (the rule is in the message).'],
  [-0x5900, 'MICROTLS_ERR_MQTT_CONNACK_REFUSED', 'The broker refused the connection (CONNACK return code 1-5).'],
  [-0x5980, 'MICROTLS_ERR_MQTT_QUEUE_FULL', 'The offline queue is full; the message was not queued.'],
  [-0x5a00, 'MICROTLS_ERR_MQTT_CONNECTION_CLOSED', 'The MQTT connection closed before the operation completed.'],
  [-0x5a80, 'MICROTLS_ERR_MQTT_TIMEOUT', 'The broker did not answer in time (CONNACK, PINGRESP or an acknowledgement).'],
  [-0x5b00, 'MICROTLS_ERR_MQTT_SESSION_LOST', 'The connection broke with a clean session: the broker discarded this unacknowledged message, which may or may not have been delivered.'],
  [-0x5b80, 'MICROTLS_ERR_MQTT_TLS_REQUIRED', 'The broker port speaks TLS but the connection is plain MQTT: use mqtts:// (--tls).'],
  [-0x5c00, 'MICROTLS_ERR_MQTT_NOT_TLS', 'TLS was used on a port that does not speak TLS (a plain MQTT port?): use mqtt://.'],
  [-0x5c80, 'MICROTLS_ERR_MQTT_CERT_REQUIRED', 'The broker requires a client certificate and none was given.'],
  [-0x5d00, 'MICROTLS_ERR_MQTT_BAD_OPTION', 'An MQTT client option is invalid or not supported; retrying cannot help.'],
] as const satisfies ReadonlyArray<readonly [number, string, string]>;

/** Every full name in the table: `MBEDTLS_ERR_SSL_INVALID_RECORD`, `MICROTLS_ERR_MQTT_TIMEOUT`. */
export type ErrorFullName = (typeof table)[number][1];
/**
 * A name as call sites write it: the full name, or a Mbed TLS name without its
 * `MBEDTLS_ERR_` prefix (`SSL_INVALID_RECORD`). A misspelt name is a type error.
 */
export type ErrorName = ErrorFullName | (ErrorFullName extends infer N ? N extends `MBEDTLS_ERR_${infer Short}` ? Short : never : never);

export const ERROR_CODES: ReadonlyMap<number, ErrorCodeInfo> = new Map(
  table.map(([code, name, meaning]) => [code, { code, name, meaning }]),
);

const byName: ReadonlyMap<string, number> = new Map(table.map(([code, name]) => [name, code]));

/** Code for a Mbed TLS error name; the name with or without the MBEDTLS_ERR_ prefix. */
export function errorCode(name: ErrorName): number {
  const code = byName.get(name) ?? byName.get('MBEDTLS_ERR_' + name);
  if (code === undefined) throw new Error(`unknown error name ${name}`);
  return code;
}

/** Formats a code the way Mbed TLS prints it: -0x7780. */
export function formatCode(code: number): string {
  const hex = Math.abs(code).toString(16).padStart(4, '0');
  return (code < 0 ? '-0x' : '0x') + hex;
}

/** Name and one-line meaning of a code, or undefined when it is not one microtls knows. */
export function describeError(code: number | string): ErrorCodeInfo | undefined {
  if (typeof code === 'string') {
    const s = code.trim();
    const named = byName.get(s) ?? byName.get('MBEDTLS_ERR_' + s);
    if (named !== undefined) return ERROR_CODES.get(named);
    // No `?` quantifier: Espruino's regular expressions lack it.
    const negative = s.startsWith('-');
    const digits = negative ? s.slice(1) : s;
    if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(digits)) return undefined;
    const v = Number(digits);
    return ERROR_CODES.get(negative ? -v : -Math.abs(v));
  }
  return ERROR_CODES.get(code);
}
