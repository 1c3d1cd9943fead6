/**
 * The one-line descriptions the reference device shows next to each uploaded file
 * (manual, section 1): a certificate's subject ending with its expiry date, `Name: RSA`
 * for a private key, or the Mbed TLS error code and name when the file does not parse.
 */
import { MicroTlsError } from '../errors.js';
import { importPrivateKey } from '../crypto/keys.js';
import { DEFAULT_MAX_FILE_BYTES, parseCertificates, type Certificate } from './certificate.js';
import { isoDate } from './validity.js';

export interface DescribeOptions {
  /** Per-file size limit; default 4096 bytes as on the reference device. */
  readonly maxBytes?: number;
}

/** `CN=Mosquitto CA, O=Example, expires 2031-04-07`; a file with several certificates gets one part each, joined by `; `. */
export function describeCertificate(input: string | Uint8Array, opts: DescribeOptions = {}): string {
  try {
    return parseCertificates(input, opts).map(certificateLine).join('; ');
  } catch (err) {
    return errorLabel(err);
  }
}

export function certificateLine(c: Certificate): string {
  const subject = c.subject.isEmpty ? '(empty subject)' : c.subject.toString();
  return `${subject}, expires ${isoDate(c.notAfter)}`;
}

/** `Name: RSA (2048 bit)` for a usable client key (RSA without a password, manual section 3). */
export function describeKey(input: string | Uint8Array, opts: DescribeOptions = {}): string {
  try {
    const maxBytes = opts.maxBytes ?? DEFAULT_MAX_FILE_BYTES;
    if (input.length > maxBytes) {
      throw new MicroTlsError('PK_BAD_INPUT_DATA', `file is ${input.length} bytes, more than the ${maxBytes}-byte limit`);
    }
    return `Name: RSA (${importPrivateKey(input).bits} bit)`;
  } catch (err) {
    return errorLabel(err);
  }
}

/** `-0x2180 MBEDTLS_ERR_X509_INVALID_FORMAT`, as the device prints a decoding error. */
function errorLabel(err: unknown): string {
  if (err instanceof MicroTlsError) return err.label;
  throw err;
}
