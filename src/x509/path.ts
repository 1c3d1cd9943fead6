/**
 * Certification path building: depth-first from the peer through any presented or
 * trusted certificate whose subject is the current certificate's issuer, backtracking
 * when a candidate is refused or its path fails, until a path ends at a trusted
 * certificate with no verify flag. Presented order does not matter (servers send chains
 * in any order, with extra or cross-signed certificates), and a trusted intermediate ends
 * a path like a root does (partial chains, manual section 4).
 *
 * Work is bounded: a certificate appears once per path, depth is limited, and the number
 * of issuer candidates examined per verification is capped (x509-limbo's pathological
 * chains offer 100 mutually-issuing intermediates). Each candidate may cost a signature
 * check (~2 ms for P-256 in pure JS on a desktop, far more on a device), so the cap is
 * set for devices: real chains with cross-signed roots examine a handful; Mbed TLS does
 * not backtrack at all. 48 keeps every x509-limbo verdict. The signature checks themselves
 * have their own, smaller bound (verify.ts MAX_SIGNATURE_CHECKS), since a candidate refused
 * for its name or constraints costs nothing but one whose signature is checked does.
 */
import type { Certificate } from './certificate.js';

export const MAX_CANDIDATES_EXAMINED = 48;

export interface PoolEntry {
  readonly cert: Certificate;
  readonly trusted: boolean;
}

export interface PathSearch {
  readonly leaf: PoolEntry;
  /** Candidate issuers, trusted ones first. */
  readonly pool: readonly PoolEntry[];
  /** Why `parent` cannot issue `child` at the top of `path` (leaf first), or undefined when it can. */
  edgeProblem(child: Certificate, parent: PoolEntry, path: readonly Certificate[]): string | undefined;
  /** Verify flags of a complete path (leaf first, trust anchor last); 0 means valid. */
  evaluate(path: readonly Certificate[]): { flags: number; reason: string };
}

export interface PathOutcome {
  /** A valid path, when one exists. */
  readonly valid?: readonly Certificate[];
  /** The anchored path with the fewest problems, when no path is valid. */
  readonly best?: { path: readonly Certificate[]; flags: number; reason: string };
  /** The longest unanchored path seen (diagnostics: where the chain broke). */
  readonly longestPartial: readonly Certificate[];
  /** Why candidate issuers were refused, first seen first. */
  readonly refusals: readonly string[];
  readonly exhausted: boolean;
}

export function buildPath(search: PathSearch): PathOutcome {
  const bySubject = new Map<string, PoolEntry[]>();
  for (const e of search.pool) {
    const list = bySubject.get(e.cert.subject.key) ?? [];
    list.push(e);
    bySubject.set(e.cert.subject.key, list);
  }
  let examined = 0;
  let exhausted = false;
  let best: PathOutcome['best'];
  let longestPartial: readonly Certificate[] = [search.leaf.cert];
  const refusals: string[] = [];

  const consider = (path: Certificate[]): boolean => {
    const r = search.evaluate(path);
    if (r.flags === 0) return true;
    if (!best || popcount(r.flags) < popcount(best.flags)) best = { path: path.slice(), flags: r.flags, reason: r.reason };
    return false;
  };

  const visit = (path: Certificate[]): Certificate[] | undefined => {
    const child = path[path.length - 1]!;
    if (path.length > longestPartial.length) longestPartial = path.slice();
    for (const cand of bySubject.get(child.issuer.key) ?? []) {
      if (path.includes(cand.cert)) continue;
      if (++examined > MAX_CANDIDATES_EXAMINED) {
        exhausted = true;
        return undefined;
      }
      const problem = search.edgeProblem(child, cand, path);
      if (problem !== undefined) {
        if (!refusals.includes(problem)) refusals.push(problem);
        continue;
      }
      const next = path.concat([cand.cert]);
      if (cand.trusted) {
        // A trusted certificate ends the path whatever its result (Mbed TLS does the same);
        // as an intermediate it would carry the same problems.
        if (consider(next)) return next;
        continue;
      }
      const found = visit(next);
      if (found || exhausted) return found;
    }
    return undefined;
  };

  // A trusted peer certificate is its own anchor only when self-issued, as Mbed TLS's
  // "locally trusted end-entity" rule: pinning a CA-issued leaf is not path validation.
  let valid: Certificate[] | undefined;
  if (search.leaf.trusted && search.leaf.cert.selfIssued && consider([search.leaf.cert])) valid = [search.leaf.cert];
  valid ??= visit([search.leaf.cert]);
  return valid ? { valid, longestPartial, refusals, exhausted } : { best, longestPartial, refusals, exhausted };
}

function popcount(x: number): number {
  let n = 0;
  for (let v = x; v !== 0; v &= v - 1) n++;
  return n;
}
