/**
 * ECDSA signature verification on P-256, P-384 and P-521 (the point arithmetic is the
 * backend's: @noble/curves by default, ecdsa-limb.ts in a BigInt-free build). The DER
 * signature is parsed here, strictly: Wycheproof's BER and malleability cases (long-form lengths, leading zeros, trailing bytes, negative or
 * zero integers) must all be refused, and a parser we own keeps that independent of the
 * library version. High-S signatures are valid (TLS and X.509 have no low-S rule).
 *
 * A provider with ecdsaVerify (an ECC accelerator) gets the signature only after that parse
 * accepted it, so what reaches an engine is always canonical DER and the verdict on
 * malformed encodings does not depend on the engine's own parser.
 */
import type { CryptoProvider } from '../../hw/provider.js';
import { DerReader } from '../encoding/der.js';
import { ecdsaVerifyCompact, stripLeadingZeros } from './backend.js';
import type { EcPublicKey } from './key-types.js';
import { curveByName } from './oids.js';

/** Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER } as r || s, each `size` bytes. */
export function derToCompact(der: Uint8Array, size: number): Uint8Array | undefined {
  try {
    const top = new DerReader(der, 'ECP_BAD_INPUT_DATA', 'ECDSA signature');
    const seq = top.sequence();
    top.end();
    const r = stripLeadingZeros(seq.unsignedInteger());
    const s = stripLeadingZeros(seq.unsignedInteger());
    seq.end();
    if (r.length === 0 || s.length === 0 || r.length > size || s.length > size) return undefined;
    const out = new Uint8Array(2 * size);
    out.set(r, size - r.length);
    out.set(s, 2 * size - s.length);
    return out;
  } catch {
    return undefined;
  }
}

/**
 * Verifies a DER ECDSA signature over `digest` (the hash of the message; longer or shorter
 * than the group order is handled by the standard leftmost-bits truncation). Returns
 * false for every malformed input; never throws.
 */
export function ecdsaVerify(key: EcPublicKey, digest: Uint8Array, derSignature: Uint8Array, provider?: Pick<CryptoProvider, 'ecdsaVerify'>): boolean {
  try {
    if (key.curve !== 'P-256' && key.curve !== 'P-384' && key.curve !== 'P-521') return false;
    const size = Math.ceil(curveByName(key.curve).bits / 8);
    const compact = derToCompact(derSignature, size);
    if (compact === undefined) return false;
    // `=== true`: only a real boolean true from the engine counts as valid.
    if (provider?.ecdsaVerify) return provider.ecdsaVerify(key.curve, key.point, digest, derSignature) === true;
    return ecdsaVerifyCompact(key.curve, key.point, digest, compact);
  } catch {
    return false;
  }
}
