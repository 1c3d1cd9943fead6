/**
 * Every entry point builds its certificate verifier the same way, so the RSA key exchange's
 * leaf keyUsage rule (keyEncipherment, Mbed TLS ssl-opt.sh "keyUsage cli 1.2:
 * DigitalSignature, RSA: fail (hard)") applies to connect(), MQTT and the probe command
 * alike. Against Node's TLS server with a leaf whose keyUsage is digitalSignature only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import tls from 'node:tls';
import { issueCertificate } from '../../src/node/pki.js';
import { connect } from '../../src/node/connect.js';
import { MicroTlsError } from '../../src/errors.js';
import { run as probe, type ProbeReport } from '../../src/cli/probe.js';
import { connectAsync } from '../../src/mqtt/index.js';

const dir = mkdtempSync(join(tmpdir(), 'microtls-ku-'));
const ca = issueCertificate({ subject: [['CN', 'KeyUsage Test CA']], ca: true, keyUsage: ['keyCertSign'] });
const leaf = issueCertificate({
  subject: [['CN', 'localhost']], issuer: ca, keyUsage: ['digitalSignature'], extKeyUsage: ['serverAuth'],
  dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'],
});
const caFile = join(dir, 'ca.pem');
writeFileSync(caFile, ca.certPem);
let server: tls.Server;
let port = 0;

test.before(async () => {
  server = tls.createServer({ key: leaf.keyPem, cert: leaf.certPem, minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256:@SECLEVEL=0' }, (s) => s.pipe(s));
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
test.after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  rmSync(dir, { recursive: true, force: true });
});

test('connect({ verify: true }) refuses the digitalSignature-only leaf for RSA key exchange', async () => {
  try {
    const s = await connect({ host: '127.0.0.1', port, servername: 'localhost', verify: true, ca: ca.certPem, timeout: 5000 });
    s.destroy();
    assert.unreachable('accepted');
  } catch (e) {
    assert.instance(e, MicroTlsError);
    assert.match((e as MicroTlsError).message, /keyEncipherment/);
  }
});

test('microtls probe --cafile refuses it the same way (exit 1, BADCERT_KEY_USAGE)', async () => {
  const out: string[] = [];
  const code = await probe([`127.0.0.1:${port}`, '--servername', 'localhost', '--cafile', caFile, '--json', '--timeout', '5000'], { out: (l) => out.push(l), err: () => undefined });
  assert.is(code, 1, out.join('\n'));
  const report = JSON.parse(out[0]!) as ProbeReport;
  assert.is(report.verify.ok, false);
  assert.ok(report.verify.flagNames?.includes('BADCERT_KEY_USAGE'), JSON.stringify(report.verify));
});

test('the MQTT client (mqtts:// with the CA) refuses it too', async () => {
  try {
    const c = await connectAsync(`mqtts://127.0.0.1:${port}`, { caCertificate: ca.certPem, servername: 'localhost', reconnectPeriod: 0, connectTimeout: 5000 } as never);
    await c.end?.();
    assert.unreachable('accepted');
  } catch (e) {
    assert.instance(e, Error);
    assert.match(String((e as Error).message), /keyEncipherment|KEY_USAGE|verif/i);
  }
});

test.run();
