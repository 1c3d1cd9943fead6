/**
 * Mutated DER into the certificate parser (through the description, as cert-info uses it) and verifyChain. A case is
 *   [limbo case, 2 bytes] [role] DER
 * where role says which certificate of the x509-limbo case the DER replaces: 0 the peer,
 * 0x40 | k intermediate k, 0x80 | k trusted certificate k. The rest of the case stays as
 * published, so a mutation that still parses meets real path building.
 */
import { completeProvider, getDefaultProvider } from '../../../hw/index.js';
import { createNodeProvider } from '../../../hw/node.js';
import { concatBytes } from '../../../src/encoding/bytes.js';
import { parseCertificate, type Certificate } from '../../../src/x509/certificate.js';
import { describeCertificate } from '../../../src/x509/describe.js';
import { SignatureMemo } from '../../../src/x509/memo.js';
import { verifyChain } from '../../../src/x509/verify.js';
import { limboCases, pemDer, type LimboCase } from '../corpus.js';
import { mutate } from '../mutate.js';
import type { Prng } from '../prng.js';
import { attempt, type FuzzTarget } from '../target.js';

// Signature checks dominate the cost: node:crypto (~70 us per P-256 verify) for most cases,
// the portable provider (~2.2 ms) for one in 64 (by DER length), so its code paths are fuzzed too.
const fast = completeProvider(createNodeProvider());
const portable = getDefaultProvider();
// Verdicts for the unmutated edges of each case, as a reconnecting verifier keeps them.
const memo = new SignatureMemo(8192);

type Input = Certificate | Uint8Array | string;

/** The case's certificates parsed once (what does not parse stays text, to be set aside again). */
const parsedCases = new Map<LimboCase, { peer: Input; intermediates: Input[]; trusted: Input[] }>();
function parsed(c: LimboCase): { peer: Input; intermediates: Input[]; trusted: Input[] } {
  let p = parsedCases.get(c);
  if (!p) {
    const one = (pem: string): Input => { try { return parseCertificate(pemDer(pem)); } catch { return pem; } };
    p = { peer: one(c.peer), intermediates: c.intermediates.map(one), trusted: c.trusted.map(one) };
    parsedCases.set(c, p);
  }
  return p;
}

function substitute(list: readonly Input[], k: number, der: Uint8Array): Input[] {
  return list.map((x, i) => (i === k % Math.max(1, list.length) ? der : x));
}

export function runX509Case(input: Uint8Array): void {
  const cases = limboCases();
  if (input.length < 3) return;
  const c: LimboCase = cases[((input[0]! << 8) | input[1]!) % cases.length]!;
  const role = input[2]!;
  const der = input.subarray(3);
  // The description parses the file as cert-info does (parseCertificates), and turns only typed errors into its label.
  attempt(() => { describeCertificate(der, { maxBytes: 1 << 20 }); });
  const kind = role >> 6;
  const k = role & 0x3f;
  const p = parsed(c);
  attempt(() => {
    verifyChain({
      peer: kind === 0 ? der : p.peer,
      intermediates: kind === 1 ? substitute(p.intermediates, k, der) : p.intermediates,
      trusted: kind === 2 ? substitute(p.trusted, k, der) : p.trusted,
      time: c.time,
      ...(c.serverName !== undefined ? { serverName: c.serverName } : {}),
      ...((der.length & 63) === 0 ? { provider: portable } : { provider: fast, signatureMemo: memo }),
    });
  });
}

export const x509Target: FuzzTarget = {
  name: 'x509',
  seeds() {
    const out: Uint8Array[] = [];
    limboCases().forEach((c, i) => {
      const head = (role: number) => Uint8Array.of(i >> 8, i & 0xff, role);
      out.push(concatBytes(head(0), pemDer(c.peer)));
      // A few per case: the pathological cases carry 100 intermediates each, and would
      // otherwise be most of the seeds and nearly all of the CPU time.
      c.intermediates.slice(0, 3).forEach((p, k) => out.push(concatBytes(head(0x40 | k), pemDer(p))));
      c.trusted.slice(0, 3).forEach((p, k) => out.push(concatBytes(head(0x80 | k), pemDer(p))));
    });
    return out;
  },
  mutate(r, seed, seeds) {
    return concatBytes(seed.subarray(0, 3), mutateDer(r, seed.subarray(3), seeds));
  },
  run: runX509Case,
};

function mutateDer(r: Prng, der: Uint8Array, seeds: readonly Uint8Array[]): Uint8Array {
  return mutate(r, der, r.below(8) === 0 ? [r.pick(seeds).subarray(3)] : []);
}
