/**
 * A certificate with a BER constructed string, through the entry points a user meets:
 * `cert-info` and `probe --cafile` report it and carry on, `connect()` rejects a server
 * presenting one with a typed error. Peers: Node's TLS server on loopback.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { run as certInfo } from '../../src/cli/cert-info.js';
import { run as probe } from '../../src/cli/probe.js';
import { connect } from '../../src/node/connect.js';
import { MicroTlsError } from '../../src/errors.js';
import { capture } from '../helpers/cli-io.js';
import { constructedStringPki } from '../helpers/constructed-strings.js';

const pki = constructedStringPki();
const dir = mkdtempSync(join(tmpdir(), 'microtls-constructed-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

async function server(certPem: string): Promise<{ port: number; close: () => Promise<void> }> {
  const s = tls.createServer({
    key: pki.leaf.keyPem, cert: certPem + pki.ca.certPem, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2',
    ciphers: 'AES128-GCM-SHA256:@SECLEVEL=0',
  }, (sock) => { sock.on('error', () => {}); sock.pipe(sock); });
  s.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return { port: (s.address() as AddressInfo).port, close: () => new Promise((resolve) => s.close(() => resolve())) };
}

test('cert-info prints the error code for such a file, and exits 1 without a stack trace', async () => {
  const bad = file('bad-ca.pem', pki.badCaPem);
  const good = file('ca.pem', pki.ca.certPem);
  const c = capture();
  assert.is(await certInfo([bad, good], c.io), 1);
  // The device's line per file (the rule verdicts follow, indented).
  const described = c.out.filter((l) => !l.startsWith('  '));
  assert.equal(described[0], `${bad}: -0x2180 MBEDTLS_ERR_X509_INVALID_FORMAT`);
  assert.match(described[1]!, /^.*ca\.pem: CN=Constructed Test CA, expires /);
});

test('probe --cafile with such a certificate in the CA file verifies with the others', async () => {
  const srv = await server(pki.leaf.certPem);
  try {
    const cafile = file('mixed-ca.pem', pki.badCaPem + pki.ca.certPem);
    const c = capture();
    const rc = await probe([`localhost:${srv.port}`, '--cafile', cafile, '--json', '--timeout', '5000'], c.io);
    const report = JSON.parse(c.out.join('\n')) as { verify: { ok: boolean }; error?: unknown };
    assert.is(rc, 0, c.out.join('\n') + c.err.join('\n'));
    assert.is(report.verify.ok, true);
  } finally {
    await srv.close();
  }
});

test('connect(): a CA list holding such a certificate still verifies; a server presenting one is refused with a typed error', async () => {
  const good = await server(pki.leaf.certPem);
  try {
    const sock = await connect({ host: '127.0.0.1', port: good.port, servername: 'localhost', verify: true, ca: pki.badCaPem + pki.ca.certPem, timeout: 5000 });
    assert.ok(sock.cipherSuite);
    sock.destroy();
  } finally {
    await good.close();
  }
  const bad = await server(pki.badLeafPem);
  try {
    const err = await connect({ host: '127.0.0.1', port: bad.port, servername: 'localhost', verify: true, ca: pki.ca.certPem, timeout: 5000 })
      .then((s) => { s.destroy(); return undefined; }, (e: unknown) => e);
    assert.instance(err, MicroTlsError);
    assert.is((err as MicroTlsError).codeName, 'MBEDTLS_ERR_X509_INVALID_FORMAT');
  } finally {
    await bad.close();
  }
});

test.run();
