/**
 * Test PKI made with the openssl CLI in a temp directory: an RSA-2048 CA, an RSA-2048
 * server leaf it signed (CN=localhost, SAN localhost + 127.0.0.1), and a P-256 leaf for
 * the "EC key with RSA key exchange" case. Generated once per process and removed on exit,
 * so no key material is committed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram } from './programs.js';

export interface TestPki {
  readonly dir: string;
  readonly caCertPath: string;
  readonly caCertPem: string;
  /** RSA-2048 server leaf. */
  readonly certPath: string;
  readonly certPem: string;
  readonly keyPath: string;
  readonly keyPem: string;
  /** Leaf followed by the CA, as a server presents it. */
  readonly chainPath: string;
  readonly chainPem: string;
  /** P-256 server leaf signed by the same CA. */
  readonly ecCertPath: string;
  readonly ecCertPem: string;
  readonly ecKeyPath: string;
  readonly ecKeyPem: string;
}

let cached: TestPki | undefined;

function openssl(args: string[], cwd: string): void {
  runProgram('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000 });
}

export function createTestPki(): TestPki {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'microtls-pki-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'leaf.ext'), [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
    '',
  ].join('\n'));
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650',
    '-subj', '/C=BG/O=microtls test/CN=microtls Test CA', '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const leaf = (name: string, keyArgs: string[], cn: string): void => {
    openssl(['req', '-new', '-newkey', ...keyArgs, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/O=microtls test/CN=${cn}`], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`,
      '-days', '825', '-sha256', '-extfile', 'leaf.ext'], dir);
  };
  leaf('server', ['rsa:2048'], 'localhost');
  leaf('server-ec', ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'localhost');
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  writeFileSync(join(dir, 'chain.pem'), read('server.crt') + read('ca.crt'));
  cached = {
    dir,
    caCertPath: join(dir, 'ca.crt'), caCertPem: read('ca.crt'),
    certPath: join(dir, 'server.crt'), certPem: read('server.crt'),
    keyPath: join(dir, 'server.key'), keyPem: read('server.key'),
    chainPath: join(dir, 'chain.pem'), chainPem: read('chain.pem'),
    ecCertPath: join(dir, 'server-ec.crt'), ecCertPem: read('server-ec.crt'),
    ecKeyPath: join(dir, 'server-ec.key'), ecKeyPem: read('server-ec.key'),
  };
  return cached;
}
