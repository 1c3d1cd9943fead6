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
import { toHex } from '../encoding/bytes.js';
import type { Certificate } from './certificate.js';

export const SIGNATURE_MEMO_ENTRIES = 16;

interface Entry {
  readonly child: Uint8Array;
  readonly issuerSpki: Uint8Array;
  readonly ok: boolean;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export class SignatureMemo {
  private readonly entries = new Map<string, Entry[]>();
  private size = 0;

  constructor(private readonly max = SIGNATURE_MEMO_ENTRIES) {}

  /** The verdict recorded for `child` signed by the key of `issuer`, or undefined. */
  get(child: Certificate, issuer: Certificate): boolean | undefined {
    const k = toHex(child.signature);
    const list = this.entries.get(k);
    const e = list?.find((x) => equalBytes(x.child, child.der) && equalBytes(x.issuerSpki, issuer.spki));
    if (!e) return undefined;
    // Most recently used last.
    this.entries.delete(k);
    this.entries.set(k, list!);
    return e.ok;
  }

  set(child: Certificate, issuer: Certificate, ok: boolean): void {
    const k = toHex(child.signature);
    const list = this.entries.get(k) ?? [];
    // Copies: the memo must not change when a caller reuses its buffers.
    list.push({ child: child.der.slice(), issuerSpki: issuer.spki.slice(), ok });
    this.entries.delete(k);
    this.entries.set(k, list);
    this.size++;
    while (this.size > this.max) {
      const [oldest, l] = this.entries.entries().next().value as [string, Entry[]];
      l.shift();
      this.size--;
      if (l.length === 0) this.entries.delete(oldest);
    }
  }
}
