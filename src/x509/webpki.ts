/**
 * CA/Browser Forum Baseline Requirements and RFC 5280 "MUST"s that Mbed TLS does not
 * enforce, applied when policy.webPki is on (x509-limbo's webpki and pedantic cases).
 * Each rule is a row: where it applies, which verify flag it sets, and the check.
 * The Espruino bundle replaces this module (src/device/absent-x509-webpki.ts).
 */
import type { Certificate } from './certificate.js';
import { VERIFY_FLAGS } from './flags.js';
import { EKU, OID } from './oids.js';
import { formatIp } from './ip.js';
import { constantTimeEqual } from '../encoding/bytes.js';

export interface Position {
  readonly isLeaf: boolean;
  readonly isAnchor: boolean;
}

export interface Rule {
  readonly id: string;
  readonly flag: number;
  readonly applies: (p: Position) => boolean;
  /** Returns the problem, or undefined when the certificate follows the rule. */
  readonly check: (c: Certificate, p: Position) => string | undefined;
}

const all = () => true;
const leaf = (p: Position) => p.isLeaf;
const issuer = (p: Position) => !p.isLeaf;
const notAnchor = (p: Position) => !p.isAnchor;
const { BADCERT_OTHER: OTHER, BADCERT_KEY_USAGE: KU, BADCERT_EXT_KEY_USAGE: EKU_FLAG, BADCERT_BAD_KEY: BAD_KEY } = VERIFY_FLAGS;

const WEBPKI_RULES: readonly Rule[] = [
  { id: 'v3-only', flag: OTHER, applies: all, check: (c) => (c.version === 3 ? undefined : `v${c.version} certificate`) },
  {
    // Trust stores hold old roots with serial 0 (Starfield G2): the rule is for what CAs issue.
    id: 'serial-number', flag: OTHER, applies: notAnchor,
    check: (c) => {
      const s = c.serialNumber;
      if ((s[0]! & 0x80) !== 0) return 'negative serial number';
      if (s.every((b) => b === 0)) return 'zero serial number';
      const len = s[0] === 0 ? s.length - 1 : s.length;
      return len > 20 ? 'serial number longer than 20 octets' : undefined;
    },
  },
  {
    id: 'aki-present', flag: OTHER, applies: notAnchor,
    check: (c) => (!c.selfIssued && !c.extensions.authorityKeyIdentifier?.keyIdentifier ? 'no authorityKeyIdentifier keyIdentifier' : undefined),
  },
  {
    id: 'aki-shape', flag: OTHER, applies: all,
    check: (c, p) => {
      const aki = c.extensions.authorityKeyIdentifier;
      if (!aki) return undefined;
      if (!aki.keyIdentifier) return 'authorityKeyIdentifier without keyIdentifier';
      if (aki.authorityCertIssuer || aki.authorityCertSerialNumber) return 'authorityKeyIdentifier with issuer and serial';
      const ski = c.extensions.subjectKeyIdentifier;
      // Only for roots: a self-issued intermediate may be a key rollover, signed by the old key.
      if (p.isAnchor && c.selfIssued && ski && !constantTimeEqual(ski, aki.keyIdentifier)) return 'self-signed root whose AKI differs from its SKI';
      return undefined;
    },
  },
  { id: 'ski-on-ca', flag: OTHER, applies: issuer, check: (c) => (c.extensions.subjectKeyIdentifier ? undefined : 'CA certificate without subjectKeyIdentifier') },
  {
    id: 'bc-critical-on-ca', flag: OTHER, applies: issuer,
    check: (c) => (c.extensions.isCritical(OID.basicConstraints) ? undefined : 'CA basicConstraints not critical'),
  },
  { id: 'ku-on-ca', flag: KU, applies: issuer, check: (c) => (c.extensions.keyUsage ? undefined : 'CA certificate without keyUsage') },
  {
    id: 'leaf-not-ca', flag: KU, applies: leaf,
    check: (c) => (c.extensions.basicConstraints?.ca ? 'leaf is a CA certificate' : c.extensions.keyUsage?.has('keyCertSign') ? 'leaf asserts keyCertSign' : undefined),
  },
  {
    id: 'leaf-eku', flag: EKU_FLAG, applies: leaf,
    check: (c) => {
      const eku = c.extensions.extKeyUsage;
      if (!eku) return 'leaf without extKeyUsage';
      if (c.extensions.isCritical(OID.extKeyUsage)) return 'critical extKeyUsage in a leaf';
      if (eku.includes(EKU.any)) return 'leaf with anyExtendedKeyUsage';
      return undefined;
    },
  },
  {
    id: 'no-eku-on-anchor', flag: EKU_FLAG, applies: (p) => p.isAnchor && !p.isLeaf,
    check: (c) => (c.extensions.extKeyUsage ? 'trust anchor with extKeyUsage' : undefined),
  },
  {
    id: 'leaf-san', flag: OTHER, applies: leaf,
    check: (c) => {
      if (!c.extensions.subjectAltName) return 'leaf without subjectAltName';
      const critical = c.extensions.isCritical(OID.subjectAltName);
      if (c.subject.isEmpty !== critical) return c.subject.isEmpty ? 'empty subject with non-critical subjectAltName' : 'critical subjectAltName with a non-empty subject';
      return undefined;
    },
  },
  {
    // BR 7.1.4.3: a CN is a copy of one SAN entry, byte for byte; an IP in its canonical
    // text (dotted decimal, RFC 5952), so a hex, zero-padded or upper-case form is not one.
    id: 'cn-in-san', flag: OTHER, applies: leaf,
    check: (c) => {
      const san = c.extensions.subjectAltName;
      if (!san) return undefined; // leaf-san reports it
      for (const cn of c.subject.values(OID.commonName)) {
        const listed = san.some((g) => (g.type === 'dns' && g.value === cn) || (g.type === 'ip' && formatIp(g.bytes) === cn));
        if (!listed) return `subject CN '${cn}' is not one of the subjectAltName entries (CA/B Forum BR 7.1.4.3)`;
      }
      return undefined;
    },
  },
  {
    id: 'rsa-size-multiple-of-8', flag: BAD_KEY, applies: all,
    check: (c) => (c.publicKey.type === 'rsa' && c.publicKey.bits % 8 !== 0 ? `RSA key of ${c.publicKey.bits} bits` : undefined),
  },
];

/** Applies the rules to one certificate of a path, reporting each problem with its flag. */
export type WebPkiCheck = (c: Certificate, p: Position, add: (flag: number, problem: string) => void) => void;

/** The check policy.webPki runs. */
export function webPkiCheck(): WebPkiCheck {
  return (c, p, add) => {
    for (const rule of WEBPKI_RULES) {
      if (!rule.applies(p)) continue;
      const problem = rule.check(c, p);
      if (problem) add(rule.flag, `${problem} (${rule.id})`);
    }
  };
}
