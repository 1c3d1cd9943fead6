/**
 * DER prefixes of the PKCS#1 v1.5 DigestInfo for each hash (RFC 8017 section 9.2, note 1):
 * DigestInfo = prefix || digest. Only the form with the NULL parameters is listed: like
 * Mbed TLS, we build the one expected encoding and compare, so the "missing NULL" variant
 * some verifiers accept is rejected.
 */
import { fromHex } from '../encoding/bytes.js';
import type { HashName } from '../../hw/provider.js';

export const DIGEST_INFO_PREFIX: Readonly<Record<HashName, Uint8Array>> = {
  md5: fromHex('3020300c06082a864886f70d020505000410'),
  sha1: fromHex('3021300906052b0e03021a05000414'),
  sha224: fromHex('302d300d06096086480165030402040500041c'),
  sha256: fromHex('3031300d060960864801650304020105000420'),
  sha384: fromHex('3041300d060960864801650304020205000430'),
  sha512: fromHex('3051300d060960864801650304020305000440'),
};
