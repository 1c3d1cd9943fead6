/**
 * Name constraints (RFC 5280 4.2.1.10) for DNS names, IP addresses, e-mail addresses and
 * directory names: the extension's parser and the path check. A constraint on a name form
 * we do not evaluate (URI, otherName, ...) refuses any certificate that carries a name of
 * that form: an unevaluated constraint must never widen what a CA may issue.
 * The Espruino bundle replaces this module (src/device/absent-x509-name-constraints.ts).
 */
import { MicroTlsError } from '../errors.js';
import { isLdhLabel } from '../encoding/charset.js';
import type { Certificate } from './certificate.js';
import { expectConstructed, isContext, Tag, type DerNode } from './der.js';
import { generalNameKind, parseGeneralName, type GeneralName } from './general-name.js';
import { normalizeDnsName } from './hostname.js';
import { formatIp, parseIpAddress } from './ip.js';
import type { Name } from './name.js';
import { foldString } from './name.js';
import { OID } from './oids.js';
import type { GeneralSubtree, NameConstraints } from './extensions.js';

const CODE = 'X509_INVALID_EXTENSIONS';

/** Bounds the work (names x subtrees) one verification may spend on constraints. */
export const MAX_CONSTRAINT_CHECKS = 1 << 16;

export interface ConstraintBudget { remaining: number }

/**
 * The names of `cert` that constraints apply to: SAN entries, the subject DN, subject
 * e-mail attributes and, for a leaf without SAN, its CNs (they are what the host name is
 * matched against then, so they must not escape the constraints).
 */
export function constrainedNames(cert: Certificate, isLeaf: boolean): GeneralName[] {
  const names: GeneralName[] = (cert.extensions.subjectAltName ?? []).slice();
  if (!cert.subject.isEmpty) names.push({ type: 'dn', name: cert.subject });
  for (const email of cert.subject.values(OID.emailAddress)) names.push({ type: 'email', value: email });
  if (isLeaf && !cert.extensions.subjectAltName) {
    for (const cn of cert.subject.values(OID.commonName)) {
      const ip = parseIpAddress(cn);
      if (ip) names.push({ type: 'ip', bytes: ip });
      else if (normalizeDnsName(cn.replace(/^\*\./, 'x.')) !== undefined) names.push({ type: 'dns', value: cn });
    }
  }
  return names;
}

/** Returns why `names` violate `nc`, or undefined when they satisfy it. */
export function checkNameConstraints(nc: NameConstraints, names: readonly GeneralName[], budget: ConstraintBudget): string | undefined {
  for (const name of names) {
    const kind = generalNameKind(name);
    const permitted = nc.permitted.filter((s) => generalNameKind(s.base) === kind);
    const excluded = nc.excluded.filter((s) => generalNameKind(s.base) === kind);
    budget.remaining -= permitted.length + excluded.length;
    if (budget.remaining < 0) return 'too many name constraint checks (refused to bound the work)';
    if (permitted.length === 0 && excluded.length === 0) continue;
    const matcher = MATCHERS[name.type];
    if (!matcher) return `name constraints on ${kind} names are not supported and the certificate has one`;
    for (const s of excluded) {
      if (matcher(name, s.base, 'excluded')) return `${describe(name)} is in an excluded subtree`;
    }
    if (permitted.length > 0 && !permitted.some((s) => matcher(name, s.base, 'permitted'))) {
      return `${describe(name)} is outside the permitted subtrees`;
    }
  }
  return undefined;
}

type Mode = 'permitted' | 'excluded';
type Matcher = (name: GeneralName, base: GeneralName, mode: Mode) => boolean;

/**
 * For `permitted`, true when every name the certificate name can stand for is inside the
 * subtree; for `excluded`, true when any of them is (a wildcard `*.example.com` stands
 * for many names: CVE-2025-61727 was treating it as one).
 */
const MATCHERS: Partial<Record<GeneralName['type'], Matcher>> = {
  dns: (name, base, mode) => {
    if (name.type !== 'dns' || base.type !== 'dns') return false;
    const constraint = base.value.toLowerCase();
    const raw = name.value.toLowerCase();
    if (raw.startsWith('*.')) {
      const rest = normalizeDnsName(raw.slice(2));
      if (rest === undefined) return mode === 'excluded';
      if (dnsWithin(rest, constraint)) return true;
      // *.rest stands for <label>.rest: it reaches into a subtree exactly one label below rest.
      return mode === 'excluded' && constraint.endsWith('.' + rest) && !constraint.slice(0, -rest.length - 1).includes('.');
    }
    const host = normalizeDnsName(raw);
    // A SAN that is not a host name cannot be shown to be inside a permitted tree, nor outside an excluded one.
    if (host === undefined) return mode === 'excluded';
    return dnsWithin(host, constraint);
  },
  ip: (name, base) => {
    if (name.type !== 'ip' || base.type !== 'ip') return false;
    const n = base.bytes.length / 2;
    if (name.bytes.length !== n) return false;
    for (let i = 0; i < n; i++) if ((name.bytes[i]! & base.bytes[n + i]!) !== (base.bytes[i]! & base.bytes[n + i]!)) return false;
    return true;
  },
  email: (name, base, mode) => {
    if (name.type !== 'email' || base.type !== 'email') return false;
    const at = name.value.lastIndexOf('@');
    if (at <= 0 || name.value.indexOf('@') !== at) return mode === 'excluded';
    const local = name.value.slice(0, at);
    const host = name.value.slice(at + 1).toLowerCase();
    const c = base.value;
    if (c.includes('@')) {
      const cAt = c.lastIndexOf('@');
      return c.slice(0, cAt) === local && c.slice(cAt + 1).toLowerCase() === host;
    }
    if (c.startsWith('.')) return host.endsWith(c.toLowerCase());
    return host === c.toLowerCase();
  },
  dn: (name, base) => (name.type === 'dn' && base.type === 'dn' ? dnWithin(name.name, base.name) : false),
};

function dnsWithin(host: string, constraint: string): boolean {
  const c = constraint.endsWith('.') ? constraint.slice(0, -1) : constraint;
  return c === '' || host === c || host.endsWith('.' + c);
}

/** A DN is within a subtree when the subtree's RDNs are its leading RDNs. */
function dnWithin(name: Name, base: Name): boolean {
  if (base.rdns.length > name.rdns.length) return false;
  return base.rdns.every((rdn, i) => rdnKey(rdn) === rdnKey(name.rdns[i]!));
}

function rdnKey(rdn: Name['rdns'][number]): string {
  return rdn.map((a) => `${a.oid}=${a.isString ? foldString(a.value) : a.value}`).sort().join('+');
}

function describe(g: GeneralName): string {
  switch (g.type) {
    case 'dns': case 'email': case 'uri': return `${g.type} name '${g.value}'`;
    case 'ip': return `IP address ${formatIp(g.bytes)}`;
    case 'dn': return `directory name '${g.name.toString()}'`;
    default: return `name of form [${g.tag}]`;
  }
}

/** Parses the extension's value; `critical` matters only to the device stand-in (src/device/absent-x509-name-constraints.ts). */
export function parseNameConstraints(v: DerNode, _critical: boolean): NameConstraints {
  const items = expectConstructed(v, Tag.SEQUENCE, CODE, 'nameConstraints');
  let permitted: GeneralSubtree[] = [];
  let excluded: GeneralSubtree[] = [];
  let i = 0;
  if (isContext(items[i], 0)) permitted = parseSubtrees(items[i++]!, 'permittedSubtrees');
  if (isContext(items[i], 1)) excluded = parseSubtrees(items[i++]!, 'excludedSubtrees');
  if (i !== items.length) throw new MicroTlsError(CODE, 'nameConstraints: unexpected field');
  // RFC 5280 4.2.1.10: "either the permittedSubtrees field or the excludedSubtrees MUST be present".
  if (i === 0) throw new MicroTlsError(CODE, 'nameConstraints: neither permitted nor excluded subtrees');
  return { permitted, excluded };
}

function parseSubtrees(n: DerNode, what: string): GeneralSubtree[] {
  // [0]/[1] IMPLICIT GeneralSubtrees: the context tag replaces the SEQUENCE tag.
  if (!n.constructed || n.children.length === 0) throw new MicroTlsError(CODE, `nameConstraints: empty ${what}`);
  return n.children.map((st) => {
    const parts = expectConstructed(st, Tag.SEQUENCE, CODE, what);
    if (parts.length !== 1) {
      // minimum/maximum: RFC 5280 says minimum MUST be zero and maximum MUST be absent.
      throw new MicroTlsError(CODE, `nameConstraints: ${what} uses minimum/maximum`);
    }
    const base = parseGeneralName(parts[0]!, what);
    validateConstraintBase(base, what);
    return { base };
  });
}

/** Forms that RFC 5280 gives no meaning to are refused, not guessed at. */
function validateConstraintBase(g: GeneralName, what: string): void {
  if (g.type === 'ip') {
    if (g.bytes.length !== 8 && g.bytes.length !== 32) throw new MicroTlsError(CODE, `nameConstraints: ${what} iPAddress must be address+mask`);
    const mask = g.bytes.subarray(g.bytes.length / 2);
    let seenZero = false;
    for (const byte of mask) {
      for (let bit = 7; bit >= 0; bit--) {
        const one = (byte >> bit) & 1;
        if (one && seenZero) throw new MicroTlsError(CODE, `nameConstraints: ${what} mask is not a prefix`);
        if (!one) seenZero = true;
      }
    }
  } else if (g.type === 'dns') {
    if (g.value !== '' && !g.value.split('.').every((label) => isLdhLabel(label, Infinity))) {
      throw new MicroTlsError(CODE, `nameConstraints: ${what} dNSName '${g.value}' is not a DNS name`);
    }
  } else if (g.type === 'email') {
    if (g.value.split('@').length > 2) throw new MicroTlsError(CODE, `nameConstraints: ${what} rfc822Name '${g.value}' is malformed`);
  }
}

/** Every CA's constraints apply to all certificates below it, except self-issued intermediates (RFC 5280 6.1.4 (b)). */
export function nameConstraintProblem(path: readonly Certificate[]): string | undefined {
  const budget = { remaining: MAX_CONSTRAINT_CHECKS };
  for (let j = 1; j < path.length; j++) {
    const nc = path[j]!.extensions.nameConstraints;
    if (!nc) continue;
    for (let i = 0; i < j; i++) {
      const c = path[i]!;
      if (i > 0 && c.selfIssued) continue;
      const problem = checkNameConstraints(nc, constrainedNames(c, i === 0), budget);
      if (problem) return `'${c.subject.toString()}': ${problem} of '${path[j]!.subject.toString()}'`;
    }
  }
  // RFC 5280 4.2.1.10: name constraints belong in CA certificates only.
  const leaf = path[0]!;
  if (leaf.extensions.nameConstraints && leaf.extensions.basicConstraints?.ca !== true) return `'${leaf.subject.toString()}': nameConstraints in a non-CA certificate`;
  return undefined;
}
