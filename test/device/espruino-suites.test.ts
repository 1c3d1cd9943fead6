/**
 * All ten cipher suites of the Espruino bundle inside the real Espruino binary, over `net`,
 * against `openssl s_server`: each a verified handshake plus an HTTP request and its answer
 * through the record layer (GCM on native ECB + JS GHASH, CCM/CCM_8 on native ECB, CBC with
 * HMAC on the native hashes). The bundle is evaluated in RAM here to keep the run short, and
 * each Espruino process runs two suites: Espruino 2v29 loses ~1,600 variables per TLS
 * connection that no root reaches (an interpreter-level leak, see the README), and ten in
 * one process fragment the pool until a native 1 KiB buffer cannot be allocated.
 * Needs ../shared/engines/espruino (or ESPRUINO=); skipped with one counted line otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CIPHER_SUITES } from '../../src/handshake/cipher-suites.js';
import { enginePath, engineMissing } from '../helpers/engines.js';
import { runInEspruino, startSServer } from '../helpers/espruino.js';
import { createTestPki } from '../helpers/pki.js';

if (!enginePath('espruino')) {
  test.skip(`Espruino cipher suites — ${engineMissing('espruino')}`, () => {});
} else {
  test('inside Espruino: each of the ten suites completes a verified handshake and carries data both ways', async () => {
    const pki = createTestPki();
    const srv = await startSServer(['-cipher', 'ALL:@SECLEVEL=0']);
    try {
      const names = CIPHER_SUITES.map((s) => s.name);
      const results: Record<string, unknown>[] = [];
      for (let at = 0; at < names.length; at += 2) {
        const run = await runInEspruino(`
          var i = 0;
          function next() {
            if (i >= SUITES.length) { done(); return; }
            var suite = SUITES[i++];
            microtls.connect({ host: '127.0.0.1', port: PORT, servername: 'localhost', verify: true, ca: CA, cipherSuites: [suite] }).then(function (s) {
              var text = '', errors = [];
              s.on('data', function (d) { text += E.toString(d); });
              s.on('error', function (e) { errors.push(String(e.message || e)); });
              s.on('close', function () { out({ event: 'suite', asked: suite, got: s.cipherSuite, head: text.slice(0, 15), bytes: text.length, errors: errors }); next(); });
              s.write(E.toUint8Array('GET / HTTP/1.0\\r\\n\\r\\n'));
            }, function (e) { out({ event: 'suite', asked: suite, error: e.codeName, message: String(e.message) }); next(); });
          }
          next();
        `, { PORT: srv.port, CA: pki.caCertPem, SUITES: names.slice(at, at + 2) }, 60_000, 'ram');
        results.push(...run.events.filter((e) => e.event === 'suite'));
      }
      assert.is(results.length, 10);
      for (const r of results) {
        assert.is(r.error, undefined, JSON.stringify(r));
        assert.is(r.got, r.asked);
        assert.is(r.head, 'HTTP/1.0 200 ok', JSON.stringify(r));
      }
    } finally {
      await srv.close();
    }
  });
}

test.run();
