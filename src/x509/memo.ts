/**
 * Memo of signature verdicts for reconnects. A client reconnecting to the same broker is
 * sent the same chain every time, and verifying it again is the same computation on the
 * same bytes: on a device an ECDSA P-256 verification costs far more than the rest of the
 * handshake. The memo remembers the verdict for (the child certificate's exact DER, the
 * issuer's exact SubjectPublicKeyInfo) and nothing else: a hit requires both byte strings
 * to be equal in full, so it never answers for different input. Every other check (time,
 * names, constraints, key usage, policy) still runs on every verification.
 *
 * Bounded (least recently used out), and held by the trust store of one CA input, so it
 * lives as long as verifiers built from that CA.
 */
import { constantTimeEqual, toHex } from '../encoding/bytes.js';
import type { Certificate } from './certificate.js';

export const SIGNATURE_MEMO_ENTRIES = 16;

interface Entry {
  readonly child: Uint8Array;
  readonly issuerSpki: Uint8Array;
  readonly ok: boolean;
}

export class SignatureMemo {
  /** By signature and issuer key (hex); the entry holds the full child DER to compare. Insertion order = least recently used first. */
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly max = SIGNATURE_MEMO_ENTRIES) {}

  private static key(child: Certificate, issuer: Certificate): string {
    return `${toHex(child.signature)}/${toHex(issuer.spki)}`;
  }

  /** The verdict recorded for `child` signed by the key of `issuer`, or undefined. */
  get(child: Certificate, issuer: Certificate): boolean | undefined {
    const k = SignatureMemo.key(child, issuer);
    const e = this.entries.get(k);
    if (!e || !constantTimeEqual(e.child, child.der) || !constantTimeEqual(e.issuerSpki, issuer.spki)) return undefined;
    this.entries.delete(k);
    this.entries.set(k, e);
    return e.ok;
  }

  set(child: Certificate, issuer: Certificate, ok: boolean): void {
    const k = SignatureMemo.key(child, issuer);
    this.entries.delete(k);
    // Copies: the memo must not change when a caller reuses its buffers.
    this.entries.set(k, { child: child.der.slice(), issuerSpki: issuer.spki.slice(), ok });
    // for-of, not keys().next(): the Espruino bundle's Map returns an array from keys().
    while (this.entries.size > this.max) for (const oldest of this.entries.keys()) { this.entries.delete(oldest); break; }
  }
}
