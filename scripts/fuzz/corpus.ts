/** Seed material from the repository's own recordings and vectors (read once, cached). */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromHex } from '../../src/encoding/bytes.js';
import { decodePem } from '../../src/encoding/pem.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ReplayFixture {
  readonly suite: string;
  readonly seed: string;
  readonly now: number;
  readonly serverName: string;
  readonly message: string;
  readonly flow: readonly { readonly dir: 'client' | 'server'; readonly hex: string }[];
}

let fixtures: ReplayFixture[] | undefined;

/** The ten recorded exchanges with openssl s_server (test/fixtures/replay), in file-name order. */
export function replayFixtures(): readonly ReplayFixture[] {
  if (!fixtures) {
    const dir = join(ROOT, 'test', 'fixtures', 'replay');
    fixtures = readdirSync(dir).filter((f) => f.endsWith('.json')).sort()
      .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ReplayFixture);
  }
  return fixtures;
}

export function serverFlights(f: ReplayFixture): Uint8Array[] {
  return f.flow.filter((x) => x.dir === 'server').map((x) => fromHex(x.hex));
}

export interface LimboCase {
  readonly id: string;
  readonly peer: string;
  readonly intermediates: readonly string[];
  readonly trusted: readonly string[];
  readonly time: Date;
  readonly serverName: string | undefined;
  readonly keys: readonly string[];
}

let limbo: LimboCase[] | undefined;

/** x509-limbo server cases (test/vectors/x509-limbo), in file order. */
export function limboCases(): readonly LimboCase[] {
  if (!limbo) {
    const raw = JSON.parse(readFileSync(join(ROOT, 'test', 'vectors', 'x509-limbo', 'limbo.json'), 'utf8')) as {
      testcases: { id: string; validation_kind: string; peer_certificate: string; untrusted_intermediates: string[]; trusted_certs: string[];
        validation_time: string | null; expected_peer_name: { kind: string; value: string } | null; peer_certificate_key: string | null }[];
    };
    limbo = raw.testcases.filter((t) => t.validation_kind === 'SERVER').map((t) => ({
      id: t.id,
      peer: t.peer_certificate,
      intermediates: t.untrusted_intermediates,
      trusted: t.trusted_certs,
      // Cases without a time were made to be valid when the vectors were generated.
      time: new Date(t.validation_time ?? '2025-01-01T00:00:00Z'),
      serverName: t.expected_peer_name?.kind === 'DNS' || t.expected_peer_name?.kind === 'IP' ? t.expected_peer_name.value : undefined,
      keys: t.peer_certificate_key ? [t.peer_certificate_key] : [],
    }));
  }
  return limbo;
}

/** DER of the first PEM block of `pem`. */
export function pemDer(pem: string): Uint8Array {
  return decodePem(pem)[0]!.der;
}

/** RSA private and public keys in PEM from the Wycheproof signature-generation vectors (a few of each size). */
export function rsaKeyPems(): string[] {
  const dir = join(ROOT, 'test', 'vectors', 'wycheproof');
  const out: string[] = [];
  for (const f of readdirSync(dir).filter((x) => /^rsa_pkcs1_\d+_sig_gen_test\.json$/.test(x)).sort()) {
    const j = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { testGroups: { privateKeyPem?: string; keyPem?: string }[] };
    for (const g of j.testGroups.slice(0, 2)) {
      if (g.privateKeyPem) out.push(g.privateKeyPem);
      if (g.keyPem) out.push(g.keyPem);
    }
  }
  return out;
}
