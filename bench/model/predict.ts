/** The cost model: one handshake's counted work (count-modes.ts) times a profile's unit costs. */
import type { WorkCounts } from './count-modes.js';
import type { DeviceProfile, UnitCosts } from './profile.js';

export interface Prediction {
  totalMs: number;
  /** Milliseconds per kind of work. */
  parts: { hash: number; aes: number; publicKey: number; protocol: number; link: number };
}

function modMulCost(costs: Record<string, number>, bits: number): number {
  const known = Object.keys(costs).map(Number).filter((b) => costs[String(b)]! > 0);
  if (known.length === 0) throw new Error('profile has no modular multiplication cost');
  const nearest = known.reduce((a, b) => (Math.abs(b - bits) < Math.abs(a - bits) ? b : a));
  // Schoolbook and Montgomery products grow with the square of the operand length.
  return costs[String(nearest)]! * (bits / nearest) ** 2;
}

export function predict(work: WorkCounts, profile: DeviceProfile): Prediction {
  const c = profile.costsUs;
  const pick = (x: { software: number; accelerated?: number }, acc: boolean) => (acc && x.accelerated !== undefined ? x.accelerated : x.software);
  const hashAcc = profile.accelerators.hash;
  const aesAcc = profile.accelerators.aes;
  let hash = 0;
  for (const [alg, n] of Object.entries(profile.hashing === 'buffered' ? work.hashBlocksBuffered : work.hashBlocks)) {
    const unit = alg === 'sha384' || alg === 'sha512' ? c.sha512Block : alg === 'sha224' || alg === 'sha256' ? c.sha256Block : c.sha1Block;
    hash += n! * pick(unit, hashAcc);
  }
  hash += work.hashCalls * c.hashCall + work.hmacCalls * c.hmacCall + work.hmacKeySetups * c.hmacKeySetup
    + work.hashClones * c.hashClone + work.hmacClones * c.hmacClone;
  const aes = work.aesBlocks * pick(c.aesBlock, aesAcc) + work.aesKeySetups * c.aesKeySetup + work.aeadCalls * c.aeadCall + work.ghashBlocks * c.ghashBlock;
  let publicKey = 0;
  // The products of the backend the profile's engine runs (the limb backend's own count where it was taken).
  const products = profile.bigIntBackend === 'limb' && work.modMulLimb ? work.modMulLimb : work.modMul;
  for (const [bits, n] of Object.entries(products)) publicKey += n * modMulCost(c.modMul, Number(bits));
  // The BigInt backend's blinding inversions; the limb backend's are Fermat products, counted above.
  if (profile.bigIntBackend !== 'limb' && c.modInverse && Object.keys(c.modInverse).length) {
    for (const [bits, n] of Object.entries(work.modInverse ?? {})) publicKey += n * modMulCost(c.modInverse, Number(bits));
  }
  publicKey += (work.rsaPublicCalls ?? 0) * (c.rsaPublicCall ?? 0);
  if (c.keyImport && Object.keys(c.keyImport).length) {
    for (const [bits, n] of Object.entries(work.keyImports ?? {})) publicKey += n * modMulCost(c.keyImport, Number(bits));
  }
  const bytes = work.bytesSent + work.bytesReceived;
  const protocol = bytes * c.protocolPerByte + work.certificateBytes * c.certificatePerByte + c.perHandshake + (work.verifications ?? 0) * (c.verifyCall ?? 0)
    + (work.verifierBuilds ?? 0) * (c.verifierBuild ?? 0) + (work.coldVerifications ?? 0) * (c.coldVerifyCall ?? 0);
  const l = profile.link;
  const linkMs = work.roundTrips * l.rttMs + (bytes * 8) / l.kbps + (work.resumed ? l.serverResumedMs : l.serverFullMs);
  const parts = { hash: hash / 1000, aes: aes / 1000, publicKey: publicKey / 1000, protocol: protocol / 1000, link: linkMs };
  return { totalMs: parts.hash + parts.aes + parts.publicKey + parts.protocol + parts.link, parts };
}
