import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createTestPki } from '../helpers/pki.js';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run, parseProbeArgs, type ProbeReport } from '../../src/cli/probe.js';
import { startNodeServer, type RunningServer } from '../helpers/servers.js';

let server: RunningServer;
const dir = mkdtempSync(join(tmpdir(), 'microtls-probe-'));
test.before(async () => { server = await startNodeServer({ ciphers: 'AES128-CCM8:AES256-SHA' }); });
test.after(async () => { await server.close(); rmSync(dir, { recursive: true, force: true }); });

async function probe(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

test('argument parsing: default port 8883, IPv6, errors', () => {
  assert.equal(parseProbeArgs(['example.com']).port, 8883);
  assert.equal(parseProbeArgs(['[::1]:1234']), { insecure: false, json: false, noEms: false, noEtm: false, host: '::1', port: 1234 });
  const a = parseProbeArgs(['h:1', '--ciphers', 'TLS_RSA_WITH_AES_128_CCM_8, TLS_RSA_WITH_AES_256_CBC_SHA', '--timeout', '500', '--json', '--insecure']);
  assert.equal(a.ciphers, ['TLS_RSA_WITH_AES_128_CCM_8', 'TLS_RSA_WITH_AES_256_CBC_SHA']);
  assert.is(a.timeout, 500);
  assert.throws(() => parseProbeArgs(['h', '--timeout', 'x']));
  assert.throws(() => parseProbeArgs([]));
});

test('text output: protocol, suite, chain in s_client style, close_notify', async () => {
  const r = await probe([`127.0.0.1:${server.port}`, '--insecure']);
  assert.is(r.code, 0, r.err.join('\n'));
  const text = r.out.join('\n');
  assert.match(text, /Protocol {2}: TLSv1\.2/);
  assert.match(text, /Cipher {4}: TLS_RSA_WITH_AES_128_CCM_8/);
  assert.match(text, /^ 0 s:O=microtls test, CN=localhost$/m);
  assert.match(text, /^ {3}i:C=BG, O=microtls test, CN=microtls Test CA$/m);
  assert.match(text, /^ 1 s:C=BG, O=microtls test, CN=microtls Test CA$/m);
  assert.match(text, /Verify return code: not verified/);
  assert.match(text, /Handshake : \d+ ms/);
  assert.match(text, /DONE \(close_notify sent and received\)/);
});

test('--json: one object of the documented shape; --ciphers and --keylog honoured', async () => {
  const keylog = join(dir, 'k.log');
  const r = await probe([`127.0.0.1:${server.port}`, '--insecure', '--json', '--ciphers', 'TLS_RSA_WITH_AES_256_CBC_SHA', '--keylog', keylog]);
  assert.is(r.code, 0);
  assert.is(r.out.length, 1);
  const j = JSON.parse(r.out[0]!) as ProbeReport;
  assert.equal(Object.keys(j).sort(), ['chain', 'cipherSuite', 'extensions', 'handshakeMs', 'protocol', 'resumed', 'verify']);
  assert.is(j.protocol, 'TLSv1.2');
  assert.is(j.cipherSuite, 'TLS_RSA_WITH_AES_256_CBC_SHA');
  assert.is(j.resumed, false);
  assert.is(j.verify.ok, false);
  assert.is(j.chain.length, 2);
  assert.is(j.chain[0]!.subject, 'O=microtls test, CN=localhost');
  assert.ok(!Number.isNaN(Date.parse(j.chain[0]!.notAfter)));
  assert.type(j.handshakeMs, 'number');
  assert.match(readFileSync(keylog, 'utf8'), /^CLIENT_RANDOM [0-9a-f]{64} [0-9a-f]{96}\n$/);
});

test('failure: Mbed TLS code and name, exit 1 (no common suite -> fatal alert)', async () => {
  const r = await probe([`127.0.0.1:${server.port}`, '--insecure', '--ciphers', 'TLS_RSA_WITH_AES_128_GCM_SHA256']);
  assert.is(r.code, 1);
  assert.is(r.err[0], '-0x7780 MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE');
  assert.match(r.err[1]!, /handshake_failure \(40\)/);
  const j = await probe([`127.0.0.1:${server.port}`, '--insecure', '--json', '--ciphers', 'TLS_RSA_WITH_AES_128_GCM_SHA256']);
  const rep = JSON.parse(j.out[0]!) as ProbeReport;
  assert.equal(rep.error?.code, '-0x7780');
  assert.equal(rep.error?.name, 'MBEDTLS_ERR_SSL_FATAL_ALERT_MESSAGE');
});

test('without --insecure or --cafile: the chain is shown, NOT_TRUSTED, and which CA to load', async () => {
  const r = await probe([`127.0.0.1:${server.port}`]);
  assert.is(r.code, 1);
  assert.is(r.err[0], '-0x2700 MBEDTLS_ERR_X509_CERT_VERIFY_FAILED');
  assert.match(r.err[1]!, /load that CA certificate/);
  assert.ok(r.out.some((l) => /^ 0 s:.*CN=localhost/.test(l)), r.out.join('\n'));
  assert.ok(r.out.some((l) => /BADCERT_NOT_TRUSTED/.test(l)), r.out.join('\n'));
});

test('--cafile: verified, and --json reports verify ok', async () => {
  const j = await probe([`localhost:${server.port}`, '--cafile', createTestPki().caCertPath, '--json']);
  assert.is(j.code, 0, j.err.join('\n'));
  const rep = JSON.parse(j.out[0]!) as ProbeReport;
  assert.equal(rep.verify, { ok: true, flags: 0 });
  assert.is(rep.chain.length, 2);
});

test('unknown suite name and bad usage', async () => {
  const r = await probe([`127.0.0.1:${server.port}`, '--insecure', '--ciphers', 'TLS_NOPE']);
  assert.is(r.code, 2, 'a usage error, before connecting');
  assert.match(r.err[0]!, /'TLS_NOPE' is not a cipher suite microtls knows/);
  assert.is((await probe(['--bogus'])).code, 2);
});

test('timeout: bounded by --timeout', async () => {
  const net = await import('node:net');
  const silent = net.createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  const port = (silent.address() as import('node:net').AddressInfo).port;
  const t0 = Date.now();
  const r = await probe([`127.0.0.1:${port}`, '--insecure', '--timeout', '300']);
  silent.close();
  assert.is(r.code, 1);
  assert.is(r.err[0], '-0x6800 MBEDTLS_ERR_SSL_TIMEOUT');
  assert.ok(Date.now() - t0 < 3000);
});

test('bin/microtls.js: exit 0 with JSON on success, 2 on usage errors', async () => {
  const { execFile } = await import('node:child_process');
  const ok = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
    execFile(process.execPath, ['bin/microtls.js', 'probe', `127.0.0.1:${server.port}`, '--insecure', '--json'], { timeout: 20_000 },
      (e, stdout) => resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, stdout }));
  });
  assert.is(ok.code, 0);
  assert.is((JSON.parse(ok.stdout) as ProbeReport).cipherSuite, 'TLS_RSA_WITH_AES_128_CCM_8');
  const usage = spawnSync(process.execPath, ['bin/microtls.js', 'probe'], { encoding: 'utf8', timeout: 20_000 });
  assert.is(usage.status, 2);
  assert.match(usage.stderr, /missing HOST/);
});

test.run();
