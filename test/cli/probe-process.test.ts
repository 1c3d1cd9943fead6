/**
 * `microtls probe` run as a process against Node TLS servers, beside `openssl s_client` on
 * the same server: the chain (key, signature algorithm, validity) and --showcerts as s_client
 * prints them, the chain also when the handshake fails after Certificate, the extensions and
 * session lines, DER input files, one cipher syntax, and the errors that say what to do.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/mosquitto.js';
import { microtls, run } from '../helpers/run-process.js';
import { cliPki } from './fixtures.js';

interface Server {
  port: number;
  close(): Promise<void>;
}

async function tlsServer(options: tls.TlsOptions): Promise<Server> {
  const p = cliPki();
  const server = tls.createServer({
    key: p.server.keyPem, cert: p.server.certPem + p.ca.certPem, maxVersion: 'TLSv1.2', minVersion: 'TLSv1.2',
    ciphers: 'AES128-GCM-SHA256:AES256-SHA:AES256-GCM-SHA384@SECLEVEL=0', ...options,
  }, (s) => {
    s.on('error', () => {});
    s.end();
  });
  server.on('tlsClientError', () => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, close: () => new Promise((r) => server.close(() => r())) };
}

let plain: Server;
let clientAuth: Server;
let ecdheOnly: Server;
test.before(async () => {
  plain = await tlsServer({});
  clientAuth = await tlsServer({ requestCert: true, rejectUnauthorized: true, ca: cliPki().ca.certPem });
  ecdheOnly = await tlsServer({ ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' });
});
test.after(async () => {
  await Promise.all([plain, clientAuth, ecdheOnly].map((s) => s?.close()));
});

const at = (s: Server, host = 'localhost'): string => `${host}:${s.port}`;

/** What `openssl s_client` prints for the same server (the handshake it makes uses its own suites). */
async function sClient(s: Server, extra: string[] = []): Promise<string> {
  const r = await run('openssl', ['s_client', '-connect', `127.0.0.1:${s.port}`, '-tls1_2', '-cipher', 'AES128-GCM-SHA256@SECLEVEL=0', ...extra], { stdin: '' });
  return r.stdout.toString();
}

test('chain as openssl s_client prints it: same validity lines, key size, signature algorithm; --showcerts gives the same PEM', async () => {
  const f = cliPki().files;
  const [ours, theirs] = await Promise.all([
    microtls(['probe', at(plain), '--cafile', f.caPem, '--showcerts']),
    sClient(plain, ['-showcerts']),
  ]);
  assert.is(ours.code, 0, ours.stderr);
  const text = ours.stdout.toString();
  assert.match(text, /^ 0 s:CN=localhost\n {3}i:CN=microtls CLI test CA\n {3}a:PKEY: RSA 2048 bit; sigalg: sha256WithRSAEncryption\n {3}v:NotBefore: /m);
  const validity = (t: string): string[] => t.split('\n').filter((l) => /^ {3}v:NotBefore:/.test(l));
  assert.is(validity(text).length, 2);
  assert.equal(validity(text), validity(theirs), 'NotBefore/NotAfter as s_client prints them');
  const pems = (t: string): string[] => t.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  assert.is(pems(text).length, 2);
  assert.equal(pems(text), pems(theirs), '--showcerts: the PEM s_client -showcerts prints');
  assert.match(text, /Verify return code: 0 \(ok\)/);
});

test('extensions and the session line: EMS, ETM, MFL, ticket with its lifetime hint (as s_client reports it)', async () => {
  const [ours, theirs] = await Promise.all([
    microtls(['probe', at(plain), '--insecure', '--max-frag', '1024']),
    sClient(plain),
  ]);
  assert.is(ours.code, 0, ours.stderr);
  const text = ours.stdout.toString();
  assert.match(text, /^New, TLSv1\.2, Cipher is TLS_RSA_WITH_AES_\d+_GCM_SHA\d+$/m);
  assert.match(text, /Extended master secret: yes; encrypt-then-MAC: no; max fragment length: (1024|none); session ticket: yes \(lifetime hint \d+ s\)/);
  assert.match(text, /^SSL-Session:\n {4}Protocol {2}: TLSv1\.2\n {4}Cipher {4}: TLS_RSA_/m);
  const hint = /lifetime hint: (\d+) \(seconds\)/.exec(text)?.[1];
  assert.ok(hint, text);
  assert.is(/TLS session ticket lifetime hint: (\d+) \(seconds\)/.exec(theirs)?.[1], hint, 'the same lifetime hint as s_client');
});

test('DER files: --cafile, --cert and --key in DER work as PEM ones do', async () => {
  const f = cliPki().files;
  const r = await microtls(['probe', at(clientAuth), '--cafile', f.caDer, '--cert', f.clientDer, '--key', f.clientKeyDer]);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout.toString(), /Verify return code: 0 \(ok\)/);
});

test('the chain is printed when the handshake fails after Certificate; a missing client certificate is named', async () => {
  const r = await microtls(['probe', at(clientAuth), '--cafile', cliPki().files.caPem]);
  assert.is(r.code, 1);
  assert.match(r.stdout.toString(), /Certificate chain\n 0 s:CN=localhost\n/);
  assert.match(r.stderr, /asked for a client certificate \(CertificateRequest\) and none was sent: no client certificate is configured/);
  assert.match(r.stderr, /requires a client certificate and none was given: add --cert FILE --key FILE/);
});

test('--ciphers: colons or commas, OpenSSL or IANA names', async () => {
  const [colons, commas, one] = await Promise.all([
    microtls(['probe', at(plain), '--insecure', '--ciphers', 'AES256-SHA:TLS_RSA_WITH_AES_256_GCM_SHA384']),
    microtls(['probe', at(plain), '--insecure', '--ciphers', 'TLS_RSA_WITH_AES_256_CBC_SHA,AES256-GCM-SHA384']),
    microtls(['probe', at(plain), '--insecure', '--ciphers', 'AES256-SHA']),
  ]);
  for (const r of [colons, commas]) {
    assert.is(r.code, 0, r.stderr);
    assert.match(r.stdout.toString(), /Cipher is TLS_RSA_WITH_AES_256_(CBC_SHA|GCM_SHA384)$/m);
  }
  assert.match(one.stdout.toString(), /Cipher is TLS_RSA_WITH_AES_256_CBC_SHA$/m);
});

test('errors that say what to do: no common cipher, wrong host name, unwritable --keylog, refused, not a TLS port', async () => {
  const closed = await freePort();
  const reset = net.createServer((s) => s.destroy());
  await new Promise<void>((r) => reset.listen(0, '127.0.0.1', r));
  try {
    const [cipher, host, keylog, refused, notTls] = await Promise.all([
      microtls(['probe', at(ecdheOnly), '--insecure']),
      microtls(['probe', at(plain), '--cafile', cliPki().files.caPem, '--servername', 'wrong.example']),
      microtls(['probe', at(plain), '--insecure', '--keylog', '/nonexistent-dir/keys.log']),
      microtls(['probe', `localhost:${closed}`, '--insecure']),
      microtls(['probe', `127.0.0.1:${(reset.address() as net.AddressInfo).port}`, '--insecure']),
    ]);
    assert.is(cipher.code, 1);
    assert.match(cipher.stderr, /microtls speaks TLS 1\.2 with RSA key exchange only/);
    assert.match(cipher.stderr, /mosquitto\.conf: ciphers AES256-GCM-SHA384:/);
    assert.is(host.code, 1);
    assert.match(host.stderr, /The certificate's names: DNS:localhost, IP:127\.0\.0\.1; CN localhost/);
    assert.is(keylog.code, 2, 'a usage error');
    assert.match(keylog.stderr, /cannot write --keylog file '\/nonexistent-dir\/keys\.log'/);
    assert.not.match(keylog.stderr, /SSL_INTERNAL_ERROR/);
    assert.is(refused.code, 1);
    assert.match(refused.stderr, new RegExp(`Nothing accepts connections on localhost:${closed} \\(address tried: [^)]*:${closed}\\)`));
    assert.is(notTls.code, 1);
    assert.match(notTls.stderr, /closed the connection on the TLS ClientHello: not a TLS port/);
  } finally {
    await new Promise((r) => reset.close(r));
  }
});

test('a slow stage says what it is doing once it passes the threshold (1 s; 1 ms here): a CA file of 2000 certificates', async () => {
  const p = cliPki();
  const big = join(p.dir, 'big-bundle.pem');
  writeFileSync(big, p.otherHost.certPem.repeat(1999) + p.ca.certPem);
  // The threshold is lowered rather than the work made slow: the line must not depend on this machine's speed.
  const r = await microtls(['probe', at(plain), '--cafile', big], { timeoutMs: 60_000, env: { MICROTLS_PROGRESS_MS: '1' } });
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stderr, /^microtls probe: (loading the trusted certificates from \S+big-bundle\.pem(: \d+ of 2000 read)?|verifying the server's certificate chain \(\d certificates\)) \(\d+\.\d s so far\)$/m);
  assert.match(r.stdout.toString(), /Verify return code: 0 \(ok\)/);
  const quick = await microtls(['probe', at(plain), '--cafile', p.files.caPem]);
  assert.is(quick.stderr, '', 'a quick run prints no progress');
});

test.run();
