/**
 * The Espruino transport's write queue inside the real Espruino binary, over its real `net`
 * module, against a Node TLS server. Espruino's socket buffers without bound and emits 'drain'
 * once its buffer empties, so the transport counts what it handed over since the last
 * 'drain': past the high-water mark write() returns false and holds its callback until
 * 'drain'; past writeQueueLimit the connection fails with NET_SEND_FAILED.
 * Needs ../shared/engines/espruino (or ESPRUINO=); skipped with one counted line otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { enginePath, engineMissing } from '../helpers/engines.js';
import { eventOf, runInEspruino } from '../helpers/espruino.js';
import { startNodeServer } from '../helpers/servers.js';
import { errorCode } from '../../src/error-codes.js';

const HAVE_ENGINE = enginePath('espruino') !== undefined;

// Writes in one tick cannot see a 'drain', so what they queue only adds up.
const BODY = `
var chunk = new Uint8Array(4096);
function backpressure(next) {
  microtls.connect({ host: '127.0.0.1', port: PORT, verify: false, timeout: 20000 }).then(function (s) {
    var rets = [], called = [];
    for (var i = 0; i < 8; i++) rets.push(s.write(chunk, (function (k) { return function (e) { called.push(k + (e ? ':' + e.codeName : '')); }; })(i)));
    var queuedAfter = s.writableLength;
    var calledAtOnce = called.length;
    s.once('drain', function () {
      setTimeout(function () {
        out({ event: 'backpressure', rets: rets, queuedAfter: queuedAfter, calledAtOnce: calledAtOnce, called: called, queuedNow: s.writableLength });
        s.end();
        next();
      }, 50);
    });
  }, function (e) { out({ event: 'backpressure', failed: String(e.codeName || e.message) }); next(); });
}
function cap(next) {
  microtls.connect({ host: '127.0.0.1', port: PORT, verify: false, timeout: 20000, writeQueueLimit: 32768 }).then(function (s) {
    var errors = [], cbErrors = [];
    s.on('error', function (e) { errors.push(e.codeName); });
    s.on('close', function () {
      out({ event: 'cap', errors: errors, cbErrors: cbErrors, lastErrors: s.lastErrors });
      next();
    });
    for (var i = 0; i < 12; i++) s.write(chunk, function (e) { if (e) cbErrors.push(e.codeName); });
  }, function (e) { out({ event: 'cap', failed: String(e.codeName || e.message) }); next(); });
}
backpressure(function () { cap(done); });
`;

const run = HAVE_ENGINE ? test : test.skip;
run(`Espruino: write() returns false past the high-water mark and calls back on drain; past writeQueueLimit NET_SEND_FAILED${HAVE_ENGINE ? '' : ` — ${engineMissing('espruino')}`}`, async () => {
  const server = await startNodeServer({ ciphers: 'AES128-GCM-SHA256', echo: false, onSecure: (s) => s.resume() });
  try {
    const r = await runInEspruino(BODY, { PORT: server.port }, 60_000);
    const b = eventOf(r, 'backpressure');
    const rets = b.rets as boolean[];
    assert.is(rets[0], true, 'the first write is under the high-water mark');
    assert.is(rets[rets.length - 1], false, '32 KiB in one tick is over it');
    assert.ok((b.queuedAfter as number) > 32768, `writableLength counts the ciphertext (${String(b.queuedAfter)})`);
    assert.ok((b.calledAtOnce as number) < 8, 'callbacks past the mark wait');
    assert.equal(b.called, ['0', '1', '2', '3', '4', '5', '6', '7'], 'every callback runs once, without error, after drain');
    assert.is(b.queuedNow, 0);
    const c = eventOf(r, 'cap');
    assert.equal(c.errors, ['MBEDTLS_ERR_NET_SEND_FAILED']);
    assert.ok((c.cbErrors as string[]).length > 0, 'writes lost to the failure report an error');
    assert.is((c.lastErrors as number[])[0], errorCode('NET_SEND_FAILED'));
  } finally {
    await server.close();
  }
});

test.run();
