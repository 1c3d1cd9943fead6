/**
 * Device profiles for the cost model (bench/model/profiles/*.json): what one unit of each kind
 * of work costs on a device, in microseconds, and its link. Every figure names its source in
 * `sources`; a figure that is not from a datasheet or a measurement says "estimate" there.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface UnitCosts {
  /** Per compression block; `accelerated` is used when the profile has a hash accelerator. */
  sha1Block: { software: number; accelerated?: number };
  sha256Block: { software: number; accelerated?: number };
  /** SHA-384/512 (128-byte blocks); MD5 is costed as SHA-1. */
  sha512Block: { software: number; accelerated?: number };
  /** Fixed cost of one hash digest, besides its blocks. */
  hashCall: number;
  /** Fixed cost of one HMAC digest (inner and outer hash finished), besides its blocks. */
  hmacCall: number;
  /** Keying an HMAC context, besides its two keyed blocks. */
  hmacKeySetup: number;
  /** Copying a running hash state (hashClone) and a keyed HMAC state (hmacClone). */
  hashClone: number;
  hmacClone: number;
  aesBlock: { software: number; accelerated?: number };
  aesKeySetup: number;
  /** Fixed cost of one AEAD seal or open besides its blocks (nonce, counter block, lengths, tag). */
  aeadCall: number;
  /** One GF(2^128) multiplication of GCM (software everywhere: no profile has a GHASH unit). */
  ghashBlock: number;
  /** Per modular multiplication by operand size; sizes missing are scaled quadratically from the nearest. */
  modMul: Record<string, number>;
  /** Per modular inversion by size (the BigInt backend's blinding pair on a key's first use); absent: not costed. */
  modInverse?: Record<string, number>;
  /** Fixed cost of one RSA public operation besides its products (conversions, padding); absent: 0. */
  rsaPublicCall?: number;
  /** Loading a private key (PEM, DER, consistency check) by modulus size; absent: not costed. */
  keyImport?: Record<string, number>;
  /** Record and handshake-message processing per byte on the wire, both ways. */
  protocolPerByte: number;
  /** X.509 parsing per DER byte. */
  certificatePerByte: number;
  /** Per chain verification besides parsing and signatures (path building, memo look-up, names, dates); absent: 0. */
  verifyCall?: number;
  /** Per connection that verifies, resumed or not: its verifier built from the CA text (trust store look-up, trust id); absent: 0. */
  verifierBuild?: number;
  /** Per chain checked by a verifier without caches (a device that keeps no verdicts), besides verifyCall and what is counted apart (the CA parsed, its digest, the signature checked); absent: 0. */
  coldVerifyCall?: number;
  /** Per handshake, whatever else (state set-up, key schedule glue). */
  perHandshake: number;
}

export interface Link {
  /** Round-trip time, ms. */
  rttMs: number;
  /** Effective throughput, kbit/s. */
  kbps: number;
  /** The broker's own work per full / resumed handshake, ms. */
  serverFullMs: number;
  serverResumedMs: number;
}

export interface Source {
  figure: string;
  value: string;
  source: string;
  estimate?: boolean;
}

export interface DeviceProfile {
  id: string;
  /** Column heading. */
  short: string;
  name: string;
  description: string;
  accelerators: { hash: boolean; aes: boolean; publicKey: boolean };
  /**
   * streaming: blocks compressed as fed, clones copy state (noble, Mbed TLS's contexts);
   * buffered: each digest hashes the context's whole input (one-shot natives, Espruino).
   */
  hashing: 'streaming' | 'buffered';
  /** The big-integer backend the device runs RSA on: 'limb' (Espruino) has its own schedule (WorkCounts.modMulLimb); default the BigInt one. */
  bigIntBackend?: 'bigint' | 'limb';
  costsUs: UnitCosts;
  link: Link;
  sources: Source[];
  /**
   * Engine profiles: the per-unit costs were measured inside this engine on the development
   * machine (bench/model/engine-costs.ts) and are multiplied by `cpuRatio.value` (the development
   * machine's speed over the device's) to give the device's; `costsUs` holds that result for the
   * run named in `measuredOn`. `npm run bench` recomputes it from the same run's measurement, with
   * that run's ratio: the machine's CoreMark from the run's reference kernel (host-speed.ts) over
   * `deviceCoreMark`.
   */
  engine?: 'xst' | 'espruino';
  cpuRatio?: { value: number; basis: string; deviceCoreMark?: number; hostCoreMark?: number };
  measuredOn?: string;
}

const DIR = join(fileURLToPath(new URL('.', import.meta.url)), 'profiles');

/** The reference device first, then the engine profiles, then any others by name. */
const ORDER = ['reference-mcu', 'esp32-xs', 'esp32-espruino'];

export function loadProfiles(): DeviceProfile[] {
  const rank = (id: string) => (ORDER.includes(id) ? ORDER.indexOf(id) : ORDER.length);
  return readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as DeviceProfile)
    .sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
}

export const PROFILE_DIR = DIR;
