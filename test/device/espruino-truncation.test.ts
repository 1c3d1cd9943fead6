/**
 * The Espruino transport inside the real Espruino binary, over its real `net` module, against
 * a Node TLS server that sends application data and then cuts TCP without close_notify: the
 * data is delivered, then the socket fails with SSL_CONN_EOF (truncated, code in lastErrors),
 * or with allowTruncation: true closes plainly, still flagged.
 * Needs ../shared/engines/espruino (or ESPRUINO=); skipped with one counted line otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type * as tls from 'node:tls';
import { enginePath, engineMissing } from '../helpers/engines.js';
import { eventOf, runInEspruino } from '../helpers/espruino.js';
import { startNodeServer } from '../helpers/servers.js';
import { errorCode } from '../../src/error-codes.js';

const HAVE_ENGINE = enginePath('espruino') !== undefined;

const BODY = `
function attempt(label, allow, next) {
  microtls.connect({ host: '127.0.0.1', port: PORT, verify: false, allowTruncation: allow, timeout: 20000 }).then(function (s) {
    var text = '', events = [], code;
    s.on('data', function (d) { text += E.toString(d); events.push('data'); });
    s.on('error', function (e) { events.push('error'); code = e.codeName; });
    s.on('close', function () {
      events.push('close');
      out({ event: label, data: text, events: events, code: code, truncated: s.truncated, lastErrors: s.lastErrors });
      next();
    });
  }, function (e) { out({ event: label, failed: String(e.codeName || e.message) }); next(); });
}
attempt('strict', false, function () { attempt('lenient', true, done); });
`;

const run = HAVE_ENGINE ? test : test.skip;
run(`Espruino: TCP cut after data without close_notify: the data, then SSL_CONN_EOF; allowTruncation: a flagged plain close${HAVE_ENGINE ? '' : ` — ${engineMissing('espruino')}`}`, async () => {
  const server = await startNodeServer({
    ciphers: 'AES128-GCM-SHA256',
    echo: false,
    onSecure: (s: tls.TLSSocket) => {
      // After the client had time to attach its 'data' listener; destroy(), not end(): the
      // TCP connection goes without a close_notify alert.
      setTimeout(() => s.write('last words', () => setTimeout(() => s.destroy(), 300)), 300);
    },
  });
  try {
    const r = await runInEspruino(BODY, { PORT: server.port }, 120_000);
    const strict = eventOf(r, 'strict');
    assert.is(strict.data, 'last words', 'data before the cut is delivered');
    assert.equal(strict.events, ['data', 'error', 'close']);
    assert.is(strict.code, 'MBEDTLS_ERR_SSL_CONN_EOF');
    assert.is(strict.truncated, true);
    assert.is((strict.lastErrors as number[])[0], errorCode('SSL_CONN_EOF'));
    const lenient = eventOf(r, 'lenient');
    assert.is(lenient.data, 'last words');
    assert.equal(lenient.events, ['data', 'close']);
    assert.is(lenient.truncated, true);
    assert.is((lenient.lastErrors as number[])[0], errorCode('SSL_CONN_EOF'));
  } finally {
    await server.close();
  }
});

test.run();
