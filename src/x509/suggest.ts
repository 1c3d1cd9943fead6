/**
 * Which CA certificate to load when verification fails for lack of a trust anchor: the
 * workflow of manual section 4. Walk the presented chain from the server certificate up
 * through its issuers (in whatever order the server sent them); the certificate to load is
 * the issuer of the top-most one reached. When a presented certificate issued the server
 * certificate (Let's Encrypt's R3 for test.mosquitto.org), loading that one is enough:
 * a trusted intermediate is a valid anchor.
 */
import type { Certificate } from './certificate.js';
import { loadCertificatesLeniently, type CertificateInput } from './input.js';

export interface TrustAnchorSuggestion {
  /** The presented chain in issuing order, server certificate first. */
  readonly path: readonly Certificate[];
  /** Subject of the CA certificate to obtain: the issuer of the top-most presented certificate. */
  readonly loadIssuer: string;
  /** The presented certificate that issued the server certificate, which can be loaded as a partial-chain anchor. */
  readonly presentedIssuer?: { readonly index: number; readonly subject: string; readonly certificate: Certificate };
  /** One or two sentences for a person. */
  readonly advice: string;
}

/** `presented[0]` is the server certificate, as in the TLS Certificate message. */
export function suggestTrustAnchor(presented: readonly CertificateInput[]): TrustAnchorSuggestion | undefined {
  const certs = loadCertificatesLeniently(presented.slice()).certs;
  const leaf = certs[0];
  if (!leaf) return undefined;
  const path: Certificate[] = [leaf];
  for (;;) {
    const top = path[path.length - 1]!;
    if (top.selfIssued) break;
    const next = certs.find((c) => !path.includes(c) && c.subject.key === top.issuer.key);
    if (!next) break;
    path.push(next);
  }
  const top = path[path.length - 1]!;
  const loadIssuer = top.issuer.toString();
  const issuerOfLeaf = path[1];
  const presentedIssuer = issuerOfLeaf
    ? { index: certs.indexOf(issuerOfLeaf), subject: issuerOfLeaf.subject.toString(), certificate: issuerOfLeaf }
    : undefined;
  const advice = presentedIssuer
    ? `Issued by '${presentedIssuer.subject}' (chain certificate ${presentedIssuer.index}): load that CA certificate as the CA file${top.selfIssued ? '' : `, or the root '${loadIssuer}'`}.`
    : `Issued by '${loadIssuer}', which the server does not send: load that CA certificate as the CA file.`;
  return presentedIssuer ? { path, loadIssuer, presentedIssuer, advice } : { path, loadIssuer, advice };
}
