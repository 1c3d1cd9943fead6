/**
 * Test PKI made with the openssl CLI (as users make theirs, following the Mosquitto
 * how-tos of manual section 3), in a temp directory, once per process: a certificate is
 * cached under its name, so tests that share a CA share its key and file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram } from './programs.js';

export type KeySpec = 'rsa1024' | 'rsa2048' | 'rsa3072' | 'rsa4096' | 'p256' | 'p384' | 'p521';

export interface Issued {
  readonly name: string;
  /** PEM of the certificate. */
  readonly pem: string;
  readonly der: Uint8Array;
  readonly keyPath: string;
  readonly certPath: string;
  readonly keyPem: string;
}

export interface IssueSpec {
  /** Cache key and file stem; must be unique per distinct certificate. */
  readonly name: string;
  readonly key: KeySpec;
  /** openssl -subj form: `/CN=Mosquitto CA/O=Example`. */
  readonly subject: string;
  /** Self-signed when absent. */
  readonly issuer?: Issued;
  /** Lines of the extension section (openssl x509v3_config). */
  readonly ext?: readonly string[];
  readonly md?: 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
  readonly days?: number;
  /** Reuse the key of an earlier certificate (same name as a key stem). */
  readonly reuseKeyOf?: Issued;
}

let dir: string | undefined;
const cache = new Map<string, Issued>();
let serial = 1000;

function workDir(): string {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'microtls-chains-'));
    const d = dir;
    process.on('exit', () => rmSync(d, { recursive: true, force: true }));
  }
  return dir;
}

function openssl(args: string[]): void {
  runProgram('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

const KEYGEN: Record<KeySpec, string[]> = {
  rsa1024: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'],
  rsa2048: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  rsa3072: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'],
  rsa4096: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:4096'],
  p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  p521: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'],
};

export function issue(spec: IssueSpec): Issued {
  const hit = cache.get(spec.name);
  if (hit) return hit;
  const d = workDir();
  const base = join(d, spec.name);
  const keyPath = spec.reuseKeyOf?.keyPath ?? `${base}.key`;
  if (!spec.reuseKeyOf) openssl(['genpkey', ...KEYGEN[spec.key], '-out', keyPath]);
  openssl(['req', '-new', '-key', keyPath, '-subj', spec.subject, '-out', `${base}.csr`]);
  const extPath = `${base}.ext`;
  writeFileSync(extPath, `[v3]\n${(spec.ext ?? []).join('\n')}\n`);
  const signer = spec.issuer ? ['-CA', spec.issuer.certPath, '-CAkey', spec.issuer.keyPath] : ['-signkey', keyPath];
  openssl([
    'x509', '-req', '-in', `${base}.csr`, ...signer, '-set_serial', String(serial++), '-days', String(spec.days ?? 3650),
    `-${spec.md ?? 'sha256'}`, '-extfile', extPath, '-extensions', 'v3', '-out', `${base}.pem`,
  ]);
  openssl(['x509', '-in', `${base}.pem`, '-outform', 'DER', '-out', `${base}.der`]);
  const issued: Issued = {
    name: spec.name,
    pem: readFileSync(`${base}.pem`, 'utf8'),
    der: new Uint8Array(readFileSync(`${base}.der`)),
    keyPath,
    certPath: `${base}.pem`,
    keyPem: readFileSync(keyPath, 'utf8'),
  };
  cache.set(spec.name, issued);
  return issued;
}

/** Extension lines for a CA, an intermediate and a TLS server leaf. */
export const EXT = {
  root: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash'],
  intermediate: ['basicConstraints=critical,CA:TRUE,pathlen:0', 'keyUsage=critical,keyCertSign,cRLSign', 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid'],
  server: (san: string) => [
    'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', 'extendedKeyUsage=serverAuth',
    `subjectAltName=${san}`, 'subjectKeyIdentifier=hash', 'authorityKeyIdentifier=keyid',
  ],
} as const;

/** Path of a file in the per-process temp directory (for CLI tests). */
export function tempFile(name: string, content: string | Uint8Array): string {
  const p = join(workDir(), name);
  writeFileSync(p, content);
  return p;
}
