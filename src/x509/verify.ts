/**
 * Certificate chain verification with Mbed TLS semantics: the result carries
 * MBEDTLS_ERR_X509_CERT_VERIFY_FAILED and the MBEDTLS_X509_BADCERT_* flags the reference
 * device would log, plus a sentence saying what to fix.
 *
 * Decisions (see also policy.ts):
 * - Every certificate of the path is checked against the time, the trust anchor too
 *   (Mbed TLS does; an expired root is refused by x509-limbo as well).
 * - The trust anchor's own signature is not checked; its basicConstraints, keyUsage,
 *   pathLenConstraint and name constraints are (Mbed TLS requires the CA bit of trusted
 *   roots; constraints in an anchor are the CA's own statement of its limits).
 * - maxDepth counts intermediates that are not self-issued (RFC 5280 6.1.4 (l));
 *   default 8, Mbed TLS's MBEDTLS_X509_MAX_INTERMEDIATE_CA.
 * - Trusted or presented certificates that do not parse are set aside (reported in
 *   `ignored`), as Mbed TLS loads what it can of a CA file; the peer must parse.
 */
import type { FullCryptoProvider } from '../../hw/provider.js';
import { getDefaultProvider } from '../../hw/index.js';
import { verifySignature } from '../crypto/signature.js';
import { errorCode, MicroTlsError } from '../errors.js';
import { toHex } from '../encoding/bytes.js';
import { getDefaultClock, type Clock } from '../time/clock.js';
import type { Certificate } from './certificate.js';
import { flagNames, VERIFY_FLAGS } from './flags.js';
import { checkServerName } from './hostname.js';
import { asList, isCertificate, loadCertificates, loadCertificatesLeniently, type CertificateInput } from './input.js';
import { nameConstraintProblem } from './name-constraints.js';
import { EKU } from './oids.js';
import { SignatureMemo } from './memo.js';
import { buildPath, type PoolEntry } from './path.js';
import { resolvePolicy, type VerifyPolicy } from './policy.js';
import { webPkiCheck, type WebPkiCheck } from './webpki.js';

export const DEFAULT_MAX_DEPTH = 8;

/**
 * New signature checks per verification (remembered verdicts are free). A signature check is
 * the costly step of path building: ~15 ms for P-521 and ~3 ms for P-256 in pure JS on a
 * desktop, tens to hundreds of times that on a microcontroller, and all of it happens before
 * the server is authenticated. The candidate cap (path.ts) alone let 48 same-name decoy CAs
 * cost 48 checks. A real chain needs one check per link (2-4), a cross-signed one a few
 * more; every x509-limbo verdict holds with 8 (6 would change two).
 */
export const MAX_SIGNATURE_CHECKS = 8;
const SIGNATURE_BUDGET_PROBLEM = 'signature check budget exhausted';

export interface VerifyOptions {
  /** The server's (or client's) certificate; a PEM text with several takes the first as peer, the rest as intermediates. */
  readonly peer: CertificateInput;
  readonly intermediates?: CertificateInput | readonly CertificateInput[];
  readonly trusted: CertificateInput | readonly CertificateInput[];
  /** Validation time; default: `clock.now()`. */
  readonly time?: Date;
  /** Default: the process-wide clock (time/clock.ts). Verification refuses to run while it is not set. */
  readonly clock?: Clock;
  /** DNS name or IP literal (v4, v6) to match; omitted: no name check. */
  readonly serverName?: string;
  /** Maximum intermediates (self-issued ones not counted). */
  readonly maxDepth?: number;
  /** serverAuth when verifying a server (default), clientAuth for a client certificate. */
  readonly usage?: 'serverAuth' | 'clientAuth';
  /**
   * A keyUsage bit the leaf must carry when it has the extension at all, e.g. keyEncipherment
   * for TLS RSA key exchange (Mbed TLS's mbedtls_ssl_check_cert_usage); BADCERT_KEY_USAGE otherwise.
   */
  readonly leafKeyUsage?: 'keyEncipherment' | 'digitalSignature';
  readonly policy?: Partial<VerifyPolicy>;
  readonly provider?: FullCryptoProvider;
  /** Signature verdicts remembered across verifications (verifier.ts keeps one per CA input); see memo.ts. */
  readonly signatureMemo?: SignatureMemo;
}

export type VerifyResult =
  | { readonly ok: true; readonly chain: readonly Certificate[]; readonly ignored: readonly MicroTlsError[] }
  | {
      readonly ok: false;
      readonly code: number;
      readonly flags: number;
      readonly flagNames: readonly string[];
      readonly reason: string;
      /** The path that came closest (leaf first). */
      readonly chain: readonly Certificate[];
      readonly ignored: readonly MicroTlsError[];
    };

const F = VERIFY_FLAGS;

export function verifyChain(opts: VerifyOptions): VerifyResult {
  const given = opts.time ?? (opts.clock ?? getDefaultClock()).now();
  if (given === undefined) {
    throw new MicroTlsError('X509_BAD_INPUT_DATA', 'the clock is not set: set it (e.g. by SNTP) before verifying');
  }
  // An Invalid Date compares false with everything, which would pass every validity check.
  if (!Number.isFinite(given.getTime())) throw new MicroTlsError('X509_BAD_INPUT_DATA', 'validation time is an invalid Date');
  // Certificate times have whole seconds: floor the validation time to its second (x509-limbo notafter-fractional).
  const time = new Date(Math.floor(given.getTime() / 1000) * 1000);
  const policy = resolvePolicy(opts.policy);
  const webPki = policy.webPki ? webPkiCheck() : undefined;
  const provider = opts.provider ?? getDefaultProvider();
  const usageOid = opts.usage === 'clientAuth' ? EKU.clientAuth : EKU.serverAuth;
  const maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (!Number.isInteger(maxDepth) || maxDepth < 0) throw new MicroTlsError('X509_BAD_INPUT_DATA', `maxDepth ${maxDepth} is not a non-negative integer`);

  const peerList = isCertificate(opts.peer) ? [opts.peer] : loadCertificates(opts.peer);
  const leafCert = peerList[0];
  if (!leafCert) throw new MicroTlsError('X509_BAD_INPUT_DATA', 'no peer certificate');
  const trusted = loadCertificatesLeniently(opts.trusted);
  const presented = loadCertificatesLeniently((peerList.slice(1) as CertificateInput[]).concat(asList(opts.intermediates)));
  const ignored = trusted.rejected.concat(presented.rejected);

  // One entry per distinct DER, so a certificate sent twice or both sent and trusted is one candidate.
  const entries = new Map<string, PoolEntry>();
  for (const c of trusted.certs) entries.set(toHex(c.der), { cert: c, trusted: true });
  for (const c of [leafCert].concat(presented.certs)) {
    const k = toHex(c.der);
    if (!entries.has(k)) entries.set(k, { cert: c, trusted: false });
  }
  const leaf = entries.get(toHex(leafCert.der))!;
  const pool = Array.from(entries.values()).filter((e) => e !== leaf).sort((a, b) => Number(b.trusted) - Number(a.trusted) || Number(isCurrent(b.cert, time)) - Number(isCurrent(a.cert, time)));

  // Verdicts by (child DER, issuer key): the caller's memo (verifier.ts keeps one per CA input), else one for this call.
  const memo = opts.signatureMemo ?? new SignatureMemo();
  let signatureChecks = 0;
  const signedBy = (child: Certificate, parent: Certificate): boolean | undefined => {
    let ok = memo.get(child, parent);
    if (ok === undefined) {
      // Remembered verdicts are free; new ones are what a hostile chain makes us pay for.
      if (++signatureChecks > MAX_SIGNATURE_CHECKS) return undefined;
      ok = verifySignature(provider, parent.publicKey, child.signatureAlgorithm.hash, child.tbs, child.signature);
      memo.set(child, parent, ok);
    }
    return ok;
  };

  // Flags that depend on the leaf only, reported whether or not a path is found (as Mbed TLS does).
  const leafFlags = { flags: 0, reasons: [] as string[] };
  const addLeaf = (flag: number, reason: string) => { leafFlags.flags |= flag; leafFlags.reasons.push(reason); };
  if (opts.serverName !== undefined) {
    const r = checkServerName(leafCert, opts.serverName, policy);
    if (!r.ok) addLeaf(F.BADCERT_CN_MISMATCH, r.reason!);
  }
  const ku = leafCert.extensions.keyUsage;
  if (opts.leafKeyUsage && ku && !ku.has(opts.leafKeyUsage)) {
    addLeaf(F.BADCERT_KEY_USAGE, `keyUsage lacks ${opts.leafKeyUsage}, which the key exchange needs`);
  }
  const eku = leafCert.extensions.extKeyUsage;
  if (eku && !eku.includes(usageOid) && !(policy.acceptAnyEku && eku.includes(EKU.any))) {
    addLeaf(F.BADCERT_EXT_KEY_USAGE, `extKeyUsage lacks ${opts.usage ?? 'serverAuth'}`);
  }

  const outcome = buildPath({
    leaf,
    pool,
    edgeProblem: (child, parent, path) => edgeProblem(child, parent, path, maxDepth, signedBy),
    evaluate: (path) => evaluatePath(path, time, policy, webPki, leafFlags),
  });

  if (outcome.valid) return { ok: true, chain: outcome.valid, ignored };
  const fail = (flags: number, reason: string, chain: readonly Certificate[]): VerifyResult => ({
    ok: false, code: errorCode('X509_CERT_VERIFY_FAILED'), flags, flagNames: flagNames(flags), reason, chain, ignored,
  });
  if (outcome.best) return fail(outcome.best.flags, outcome.best.reason, outcome.best.path);

  let flags = leafFlags.flags | F.BADCERT_NOT_TRUSTED;
  const reasons = leafFlags.reasons.slice();
  if (!isCurrent(leafCert, time)) flags |= leafCert.notAfter.getTime() < time.getTime() ? F.BADCERT_EXPIRED : F.BADCERT_FUTURE;
  const top = outcome.longestPartial[outcome.longestPartial.length - 1]!;
  const why = signatureChecks > MAX_SIGNATURE_CHECKS
    ? `gave up: more than ${MAX_SIGNATURE_CHECKS} signature checks (many issuers of one name)`
    : outcome.exhausted
      ? 'gave up: too many candidate issuers'
      : outcome.refusals.length > 0
      ? outcome.refusals.join('; ')
      : `no trusted certificate for issuer '${top.issuer.toString()}'`;
  return fail(flags, [why].concat(reasons).join('; '), outcome.longestPartial);
}

function isCurrent(c: Certificate, time: Date): boolean {
  return c.notBefore.getTime() <= time.getTime() && time.getTime() <= c.notAfter.getTime();
}

/** Can `parent` have issued `child`? Failing any of these, it is not an issuer at all (Mbed TLS x509_crt_check_parent). */
function edgeProblem(
  child: Certificate,
  parent: PoolEntry,
  path: readonly Certificate[],
  maxDepth: number,
  signedBy: (child: Certificate, parent: Certificate) => boolean | undefined,
): string | undefined {
  const p = parent.cert;
  const name = `'${p.subject.toString()}'`;
  if (p.subject.isEmpty) return 'issuer with an empty subject';
  if (p.extensions.basicConstraints?.ca !== true) return `${name} is not a CA (basicConstraints)`;
  if (p.extensions.keyUsage && !p.extensions.keyUsage.has('keyCertSign')) return `${name} keyUsage lacks keyCertSign`;
  // Intermediates below `parent`: the path minus the leaf; self-issued ones do not count (RFC 5280 6.1.4 (h), (l)).
  const below = path.slice(1).filter((c) => !c.selfIssued).length;
  const pathLen = p.extensions.basicConstraints.pathLen;
  if (pathLen !== undefined && below > pathLen) return `${name} pathLenConstraint ${pathLen} exceeded`;
  const depth = below + (parent.trusted || p.selfIssued ? 0 : 1);
  if (depth > maxDepth) return `chain over maximum depth ${maxDepth}`;
  if (child.signatureAlgorithm.key !== p.publicKey.type) return `${name} has an ${p.publicKey.type.toUpperCase()} key, the signature is ${child.signatureAlgorithm.name}`;
  const signed = signedBy(child, p);
  if (signed === undefined) return `${SIGNATURE_BUDGET_PROBLEM} (${MAX_SIGNATURE_CHECKS})`;
  if (!signed) return `signature of '${child.subject.toString()}' fails with the key of ${name}`;
  return undefined;
}

function evaluatePath(
  path: readonly Certificate[],
  time: Date,
  policy: VerifyPolicy,
  webPki: WebPkiCheck | undefined,
  leafFlags: { flags: number; reasons: string[] },
): { flags: number; reason: string } {
  let flags = leafFlags.flags;
  const reasons = leafFlags.reasons.slice();
  const add = (flag: number, reason: string) => { flags |= flag; reasons.push(reason); };
  const t = time.getTime();
  path.forEach((c, i) => {
    const who = `'${c.subject.toString()}'`;
    if (c.notAfter.getTime() < t) add(F.BADCERT_EXPIRED, `${who} expired on ${c.notAfter.toISOString()}`);
    if (c.notBefore.getTime() > t) add(F.BADCERT_FUTURE, `${who} is not valid before ${c.notBefore.toISOString()}`);
    if (c.publicKey.type === 'rsa' && c.publicKey.bits < policy.minRsaBits) {
      add(F.BADCERT_BAD_KEY, `${who}: ${c.publicKey.bits}-bit RSA key (minimum ${policy.minRsaBits})`);
    }
    const isAnchor = i === path.length - 1;
    if (!isAnchor && !policy.allowedHashes.includes(c.signatureAlgorithm.hash)) {
      add(F.BADCERT_BAD_MD, `${who}: ${c.signatureAlgorithm.name} refused by the policy`);
    }
    if (webPki) webPki(c, { isLeaf: i === 0, isAnchor }, (flag, problem) => add(flag, `${who}: ${problem}`));
  });
  const nc = nameConstraintProblem(path);
  if (nc) add(F.BADCERT_OTHER, nc);
  return { flags, reason: reasons.join('; ') };
}
