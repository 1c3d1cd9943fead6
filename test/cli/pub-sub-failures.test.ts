/**
 * How `microtls pub` and `sub` fail, run as processes beside mosquitto_pub/sub on the same
 * listeners: mosquitto's exit codes (7 plain MQTT on a TLS port or a certificate the broker
 * requires; 8 TLS on a plain port), a line that names cause and fix, configuration errors
 * refused before any connection is made (nothing hangs, nothing retries), and TLS switched
 * on by any TLS option.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import { freePort, mosquittoAvailable } from '../helpers/mosquitto.js';
import { run } from '../helpers/run-process.js';
import { cliPki, startCliBroker, type CliBroker } from './fixtures.js';

const available = mosquittoAvailable('microtls pub/sub failures');
let b: CliBroker;
test.before(async () => {
  if (available) b = await startCliBroker();
});
test.after(async () => {
  await b?.broker.dispose();
});

const at = (port: number): string[] => ['-h', '127.0.0.1', '-p', String(port)];
const pubArgs = (port: number, ...more: string[]): string[] => [...at(port), '-t', 'f/x', '-m', 'x', ...more];
const microtls = (tool: 'pub' | 'sub', args: string[]) => run('microtls', [tool, ...args, ...(tool === 'sub' ? ['-C', '1'] : [])]);

if (!available) {
  test.skip('pub/sub failures beside mosquitto — mosquitto not installed (Debian package mosquitto)', () => {});
} else {
  test('plain MQTT to a TLS port: exit 7 as mosquitto_pub, and "TLS port? add --tls"', async () => {
    const [ours, oursSub, theirs] = await Promise.all([
      microtls('pub', pubArgs(b.tls)),
      microtls('sub', [...at(b.tls), '-t', 'f/x']),
      run('mosquitto_pub', pubArgs(b.tls)),
    ]);
    assert.is(theirs.code, 7, theirs.stderr);
    assert.is(ours.code, 7, ours.stderr);
    assert.is(oursSub.code, 7, oursSub.stderr);
    for (const r of [ours, oursSub]) {
      assert.match(r.stderr, /The connection was lost \(.*(ECONNRESET|CONNECTION_CLOSED|TLS_REQUIRED).*\)\./);
      assert.match(r.stderr, new RegExp(`127\\.0\\.0\\.1:${b.tls} closed the connection right after CONNECT: TLS port\\? add --tls`));
    }
  });

  test('TLS to a plain port: exit 8 as mosquitto_pub, and "a plain MQTT port?"', async () => {
    const ca = cliPki().files.caPem;
    const [ours, oursSub, theirs] = await Promise.all([
      microtls('pub', pubArgs(b.plain, '--cafile', ca)),
      microtls('sub', [...at(b.plain), '-t', 'f/x', '--cafile', ca]),
      run('mosquitto_pub', pubArgs(b.plain, '--cafile', ca)),
    ]);
    assert.is(theirs.code, 8, theirs.stderr);
    assert.is(ours.code, 8, ours.stderr);
    assert.is(oursSub.code, 8, oursSub.stderr);
    assert.match(ours.stderr, /a plain MQTT port\? drop --tls/);
  });

  test('the broker requires a client certificate and none was given: exit 7 (mosquitto_sub: 7 or 1) and the cause, whatever the alert', async () => {
    const ca = cliPki().files.caPem;
    const [ours, oursSub, theirsSub] = await Promise.all([
      microtls('pub', pubArgs(b.requireCert, '--cafile', ca)),
      microtls('sub', [...at(b.requireCert), '-t', 'f/x', '--cafile', ca]),
      run('mosquitto_sub', [...at(b.requireCert), '-t', 'f/x', '-C', '1', '--cafile', ca]),
    ]);
    // mosquitto_sub says "The connection was lost." (7) or, when the alert wins the race, "Protocol error" (1).
    assert.ok(theirsSub.code === 7 || theirsSub.code === 1, theirsSub.stderr);
    assert.is(ours.code, 7, ours.stderr);
    assert.is(oursSub.code, 7, oursSub.stderr);
    assert.match(ours.stderr, /asked for a client certificate \(CertificateRequest\) and none was sent: no client certificate is configured/);
    assert.match(ours.stderr, /requires a client certificate and none was given: add --cert FILE --key FILE/);
  });

  test('DER client certificate and DER key work where PEM ones do', async () => {
    const f = cliPki().files;
    const der = await microtls('pub', pubArgs(b.requireCert, '--cafile', f.caDer, '--cert', f.clientDer, '--key', f.clientKeyDer));
    assert.is(der.code, 0, der.stderr);
    const pem = await microtls('pub', pubArgs(b.requireCert, '--cafile', f.caPem, '--cert', f.clientPem, '--key', f.clientKey));
    assert.is(pem.code, 0, pem.stderr);
    // --capath: a directory with the CA in DER beside a file that is no certificate.
    const dir = await microtls('pub', pubArgs(b.tls, '--capath', f.capath));
    assert.is(dir.code, 0, dir.stderr);
  });

  test('ECDHE-only broker: says RSA key exchange only and prints the mosquitto ciphers line (mosquitto_pub speaks ECDHE)', async () => {
    const ca = cliPki().files.caPem;
    const [ours, theirs] = await Promise.all([
      microtls('pub', pubArgs(b.ecdheOnly, '--cafile', ca)),
      run('mosquitto_pub', pubArgs(b.ecdheOnly, '--cafile', ca)),
    ]);
    assert.is(theirs.code, 0, theirs.stderr);
    assert.is(ours.code, 8, ours.stderr);
    assert.match(ours.stderr, /microtls speaks TLS 1\.2 with RSA key exchange only/);
    assert.match(ours.stderr, /mosquitto\.conf: ciphers AES256-GCM-SHA384:.*AES128-SHA/);
  });

  test('wrong host name: the certificate\'s SAN and CN are listed', async () => {
    const r = await microtls('pub', pubArgs(b.otherHost, '--cafile', cliPki().files.caPem));
    assert.is(r.code, 8, r.stderr);
    assert.match(r.stderr, /BADCERT_CN_MISMATCH|not among the certificate's subjectAltName/);
    assert.match(r.stderr, /The certificate's names: DNS:broker\.example, DNS:mqtt\.example; CN broker\.example/);
  });

  test('connection refused: the host and port tried, exit 1 as mosquitto_pub', async () => {
    const port = await freePort();
    const [ours, theirs] = await Promise.all([
      run('microtls', ['pub', '-p', String(port), '-t', 'a', '-m', 'x']),
      run('mosquitto_pub', ['-p', String(port), '-t', 'a', '-m', 'x']),
    ]);
    assert.is(theirs.code, 1);
    assert.is(ours.code, 1);
    assert.match(ours.stderr, new RegExp(`Connection refused: nothing accepts connections on localhost:${port} \\(address tried: [^)]*:${port}\\)`));
  });

  test('a TLS option turns TLS on (--insecure alone, --cafile alone, --ciphers in either syntax), as in mosquitto', async () => {
    const ca = cliPki().files.caPem;
    const [insecure, cafile, colons, commas, theirs] = await Promise.all([
      microtls('pub', pubArgs(b.tls, '--insecure')),
      microtls('pub', pubArgs(b.tls, '--cafile', ca)),
      microtls('pub', pubArgs(b.tls, '--cafile', ca, '--ciphers', 'AES128-GCM-SHA256:TLS_RSA_WITH_AES_256_CBC_SHA')),
      microtls('pub', pubArgs(b.tls, '--insecure', '--ciphers', 'TLS_RSA_WITH_AES_128_GCM_SHA256,AES256-SHA')),
      run('mosquitto_pub', pubArgs(b.tls, '--cafile', ca, '--ciphers', 'AES128-GCM-SHA256:AES256-SHA')),
    ]);
    for (const r of [insecure, cafile, colons, commas, theirs]) assert.is(r.code, 0, r.stderr);
  });

  test('configuration errors: exit 1 at once, the file named, no connection made, for pub and sub (mosquitto_pub: 1)', async () => {
    const f = cliPki().files;
    let connections = 0;
    const srv = net.createServer((s) => {
      connections++;
      s.destroy();
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    try {
      const cases: [string[], RegExp][] = [
        [['--cafile', f.caPem, '--cert', f.clientPem, '--key', f.encryptedKey], /encrypted .*private key.*without a password/],
        [['--cafile', f.caPem, '--cert', f.clientPem, '--key', f.otherKey], /--key .*other\.key: .*the private key does not belong to the certificate/],
        [['--cafile', f.garbage], /--cafile .*garbage\.pem is neither PEM nor DER/],
        [['--cafile', f.caPem, '--ciphers', 'bogus'], /'bogus' is not a cipher suite microtls knows/],
        [['--cafile', f.caPem, '--ciphers', 'ECDHE-RSA-AES128-GCM-SHA256'], /RSA key exchange only, so 'ECDHE-RSA-AES128-GCM-SHA256' is not available/],
        [['--cafile', f.clientKey], /is a private key \(PEM\), not a certificate/],
      ];
      // pub and sub take turns (they share the option checks); a hang or a retry loop would
      // outlast run()'s 20 s limit and fail the test.
      const results = await Promise.all(cases.map(([extra], i) => (i % 2 === 0
        ? microtls('pub', pubArgs(port, ...extra))
        : microtls('sub', [...at(port), '-t', 'f/x', ...extra]))));
      for (const [i, [extra, re]] of cases.entries()) {
        const r = results[i]!;
        assert.is(r.code, 1, `${i % 2 === 0 ? 'pub' : 'sub'} ${extra.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, re);
      }
      assert.is(connections, 0, 'microtls opened no connection for a bad configuration');
      const theirs = await run('mosquitto_pub', pubArgs(port, '--cafile', f.garbage));
      assert.is(theirs.code, 1, theirs.stderr);
    } finally {
      await new Promise((r) => srv.close(r));
    }
  });
}

test.run();
