/**
 * The Espruino bundle inside the real Espruino 2v29 binary, over its real `net` module,
 * against `openssl s_server`: a verified handshake with application data both ways, a
 * reconnect that resumes by session ticket, a tampered server Finished and a wrong CA.
 * Needs ../shared/engines/espruino (or ESPRUINO=); skipped with one counted line otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { enginePath, engineMissing } from '../helpers/engines.js';
import { eventOf, runInEspruino, startSServer } from '../helpers/espruino.js';
import { createTestPki } from '../helpers/pki.js';

const HAVE_ENGINE = enginePath('espruino') !== undefined;

/**
 * A TCP relay that flips the last byte of the first record the server sends after its
 * ChangeCipherSpec: that record is the encrypted Finished.
 */
async function tamperingProxy(target: number): Promise<{ port: number; tampered: () => boolean; close(): Promise<void> }> {
  let flipped = false;
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: target });
    client.on('data', (d) => upstream.write(d));
    let buf = Buffer.alloc(0);
    let afterCcs = false;
    upstream.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 5) {
        const len = buf.readUInt16BE(3);
        if (buf.length < 5 + len) break;
        const rec = Buffer.from(buf.subarray(0, 5 + len));
        buf = buf.subarray(5 + len);
        if (afterCcs && !flipped) {
          rec[rec.length - 1]! ^= 0x01;
          flipped = true;
        }
        if (rec[0] === 20) afterCcs = true;
        client.write(rec);
      }
    });
    const end = () => { client.destroy(); upstream.destroy(); };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as net.AddressInfo).port,
    tampered: () => flipped,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Espruino side: connect(), report, optionally send an HTTP request (s_server -www answers it). */
const CONNECT = `
function connectAndReport(label, opts, next) {
  var t0 = Date.now();
  microtls.connect(opts).then(function (s) {
    var h = s.handshake;
    out({ event: label, ok: true, ms: Date.now() - t0, suite: s.cipherSuite, resumed: s.resumed, verified: opts.verify === true,
      hasSession: s.getSession() !== undefined, usage: process.memory().usage });
    var text = '', chunks = 0, errors = [];
    s.on('data', function (d) { chunks++; text += E.toString(d); });
    s.on('error', function (e) { errors.push(String(e.codeName || e.message || e)); });
    s.on('close', function () {
      out({ event: label + '-data', bytes: text.length, chunks: chunks, head: text.slice(0, 15), errors: errors, lastErrors: s.lastErrors });
      next(s.getSession());
    });
    s.write(E.toUint8Array('GET / HTTP/1.0\\r\\n\\r\\n'));
  }, function (e) {
    out({ event: label, ok: false, code: e.code, name: e.codeName, message: String(e.message) });
    next(undefined);
  });
}
`;

if (!HAVE_ENGINE) {
  test.skip(`Espruino live TLS — ${engineMissing('espruino')}`, () => {});
} else {
  test('inside Espruino: verified handshake over net, data both ways, then a ticket resumption', async () => {
    const pki = createTestPki();
    const srv = await startSServer();
    try {
      const run = await runInEspruino(CONNECT + `
        var opts = { host: '127.0.0.1', port: PORT, servername: 'localhost', verify: true, ca: CA };
        connectAndReport('full', opts, function (session) {
          opts.session = session;
          connectAndReport('resumed', opts, function () { done(); });
        });
      `, { PORT: srv.port, CA: pki.caCertPem }, 120_000);
      const full = eventOf(run, 'full');
      assert.is(full.ok, true, JSON.stringify(full));
      assert.is(full.resumed, false);
      assert.is(full.hasSession, true, 's_server issues a ticket');
      assert.match(String(full.suite), /^TLS_RSA_WITH_AES_/);
      const data = eventOf(run, 'full-data');
      assert.is(data.head, 'HTTP/1.0 200 ok', `the HTTP answer came back decrypted: ${JSON.stringify(data)}`);
      const again = eventOf(run, 'resumed');
      assert.is(again.ok, true, JSON.stringify(again));
      assert.is(again.resumed, true, 'the second connection resumed with the ticket');
      assert.is(eventOf(run, 'resumed-data').head, 'HTTP/1.0 200 ok');
    } finally {
      await srv.close();
    }
  });

  test('inside Espruino: a tampered server Finished ends with MBEDTLS_ERR_SSL_INVALID_MAC', async () => {
    const pki = createTestPki();
    const srv = await startSServer();
    const proxy = await tamperingProxy(srv.port);
    try {
      const run = await runInEspruino(CONNECT + `
        connectAndReport('tampered', { host: '127.0.0.1', port: PORT, servername: 'localhost', verify: true, ca: CA,
          cipherSuites: ['TLS_RSA_WITH_AES_128_GCM_SHA256'] }, function () { done(); });
      `, { PORT: proxy.port, CA: pki.caCertPem });
      assert.ok(proxy.tampered(), 'the proxy flipped a byte of the Finished record');
      const r = eventOf(run, 'tampered');
      assert.is(r.ok, false);
      assert.is(r.name, 'MBEDTLS_ERR_SSL_INVALID_MAC', JSON.stringify(r));
    } finally {
      await proxy.close();
      await srv.close();
    }
  });

  test('inside Espruino: a server chain from another CA ends with MBEDTLS_ERR_X509_CERT_VERIFY_FAILED', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'microtls-other-ca-'));
    try {
      const opensslArgs = ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'c'), '-days', '30', '-subj', '/CN=Other CA'];
      await new Promise<void>((resolve, reject) => spawn('openssl', opensslArgs, { stdio: 'ignore' }).on('exit', (c) => (c === 0 ? resolve() : reject(new Error('openssl req failed')))));
      const otherCa = readFileSync(join(dir, 'c'), 'utf8');
      const srv = await startSServer();
      try {
        const run = await runInEspruino(CONNECT + `
          connectAndReport('wrongca', { host: '127.0.0.1', port: PORT, servername: 'localhost', verify: true, ca: CA }, function () { done(); });
        `, { PORT: srv.port, CA: otherCa });
        const r = eventOf(run, 'wrongca');
        assert.is(r.ok, false);
        assert.is(r.name, 'MBEDTLS_ERR_X509_CERT_VERIFY_FAILED', JSON.stringify(r));
      } finally {
        await srv.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test.run();
