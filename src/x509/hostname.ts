/**
 * Server identity (RFC 6125 as Mbed TLS applies it): an IP literal matches iPAddress
 * SAN entries only; a DNS name matches dNSName entries, with one wildcard allowed as the
 * whole left-most label (`*.example.com` matches `a.example.com`, not `example.com`,
 * `a.b.example.com`, and `f*o.example.com` matches nothing). The subject CN is consulted
 * only when the certificate has no subjectAltName at all (manual, section 3: Mosquitto
 * how-tos still make CN-only certificates).
 */
import type { Certificate } from './certificate.js';
import { parseIpAddress } from './ip.js';
import { OID } from './oids.js';
import { isLdhLabel } from '../encoding/charset.js';
import { constantTimeEqual } from '../encoding/bytes.js';


/** Lower-cased LDH name without a trailing dot, or undefined when `s` is not one. */
export function normalizeDnsName(s: string): string | undefined {
  const name = (s.endsWith('.') ? s.slice(0, -1) : s).toLowerCase();
  if (name.length === 0 || name.length > 253) return undefined;
  return name.split('.').every((l) => isLdhLabel(l, 63, true)) ? name : undefined;
}

/** Does a SAN/CN pattern (possibly `*.rest`) cover the host name? Both already lower-case. */
export function dnsPatternMatches(pattern: string, host: string): boolean {
  const p = pattern.endsWith('.') ? pattern.slice(0, -1).toLowerCase() : pattern.toLowerCase();
  if (p.startsWith('*.')) {
    const base = normalizeDnsName(p.slice(2));
    // `*.com` would cover a whole top-level domain: never a legitimate certificate name.
    if (base === undefined || !base.includes('.')) return false;
    const dot = host.indexOf('.');
    return dot > 0 && host.slice(dot + 1) === base;
  }
  const exact = normalizeDnsName(p);
  return exact !== undefined && exact === host;
}

export interface HostnameResult {
  readonly ok: boolean;
  readonly reason?: string;
}

export function checkServerName(cert: Certificate, serverName: string, opts: { allowCnFallback: boolean }): HostnameResult {
  const ip = parseIpAddress(serverName);
  const host = ip ? undefined : normalizeDnsName(serverName);
  if (!ip && host === undefined) return { ok: false, reason: `'${serverName}' is neither a DNS name nor an IP address` };
  const san = cert.extensions.subjectAltName;
  if (san) {
    const ok = san.some((g) => (ip ? g.type === 'ip' && constantTimeEqual(g.bytes, ip) : g.type === 'dns' && dnsPatternMatches(g.value, host!)));
    return ok ? { ok } : { ok, reason: `'${serverName}' is not among the certificate's subjectAltName entries` };
  }
  if (!opts.allowCnFallback) return { ok: false, reason: 'no subjectAltName' };
  const cns = cert.subject.values(OID.commonName);
  const ok = cns.some((cn) => {
    if (ip) {
      const cnIp = parseIpAddress(cn);
      return cnIp !== undefined && constantTimeEqual(cnIp, ip);
    }
    return dnsPatternMatches(cn, host!);
  });
  return ok ? { ok } : { ok, reason: `'${serverName}' does not match CN ${cns.map((c) => `'${c}'`).join(', ') || '(none)'}` };
}
