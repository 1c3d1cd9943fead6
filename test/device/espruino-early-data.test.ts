/**
 * Inside the real Espruino binary, over its `net` module, against a Node TLS server that
 * writes the moment its handshake completes: the bytes that follow the server's Finished
 * are decrypted before connect()'s `.then` can attach a 'data' listener. They are held and
 * handed to the listener, not dropped; a server that also closes at once is seen closing
 * after its data. Then pause()/resume() on the same socket: nothing is delivered while
 * paused, everything after resume(). And, as loaded from Storage, the bundle's functions
 * each hold one scope (3 variables less each than a copied scope chain).
 * Needs ../shared/engines/espruino (or ESPRUINO=); skipped with one counted line otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { enginePath, engineMissing } from '../helpers/engines.js';
import { eventOf, runInEspruino } from '../helpers/espruino.js';
import { startNodeServer } from '../helpers/servers.js';

const HAVE_ENGINE = enginePath('espruino') !== undefined;

const BODY = `
function early(port, label, next) {
  microtls.connect({ host: '127.0.0.1', port: port, verify: false, timeout: 20000 }).then(function (s) {
    var got = '', order = [];
    s.on('data', function (d) { got += E.toString(d); order.push('data'); });
    s.on('close', function () { order.push('close'); });
    setTimeout(function () {
      out({ event: label, got: got, order: order });
      s.end();
      next();
    }, 1500);
  }, function (e) { out({ event: label, failed: String(e.codeName || e.message) }); next(); });
}
function paused(next) {
  microtls.connect({ host: '127.0.0.1', port: PORT_GREET, verify: false, timeout: 20000 }).then(function (s) {
    var got = '';
    s.pause();
    s.on('data', function (d) { got += E.toString(d); });
    setTimeout(function () {
      var whilePaused = got;
      s.resume();
      setTimeout(function () {
        out({ event: 'paused', whilePaused: whilePaused, afterResume: got });
        s.end();
        next();
      }, 300);
    }, 1000);
  }, function (e) { out({ event: 'paused', failed: String(e.codeName || e.message) }); next(); });
}
// Loaded from Storage as a module, each function holds one scope, not a copy of a two-scope chain (scripts/build-device.mjs).
out({ event: 'scope', kind: Array.isArray(microtls.connect['\\xffsco']) ? 'array' : typeof microtls.connect['\\xffsco'] });
early(PORT_GREET, 'greet', function () { early(PORT_BYE, 'bye', function () { paused(done); }); });
`;

const run = HAVE_ENGINE ? test : test.skip;
run(`Espruino: data sent right after the handshake reaches the listener attached in .then; pause() holds it until resume()${HAVE_ENGINE ? '' : ` — ${engineMissing('espruino')}`}`, async () => {
  const greet = await startNodeServer({ ciphers: 'AES128-GCM-SHA256', echo: false, onSecure: (s) => { s.write('hello from the server'); } });
  const bye = await startNodeServer({ ciphers: 'AES128-GCM-SHA256', echo: false, onSecure: (s) => { s.end('last words'); } });
  try {
    const r = await runInEspruino(BODY, { PORT_GREET: greet.port, PORT_BYE: bye.port }, 90_000);
    assert.is(eventOf(r, 'scope').kind, 'function', "a bundle function's scope is the wrapper's own");
    const g = eventOf(r, 'greet');
    assert.is(g.got, 'hello from the server', 'the greeting written right after the handshake');
    const b = eventOf(r, 'bye');
    assert.is(b.got, 'last words');
    assert.equal(b.order, ['data', 'close'], 'the close comes after the data it followed');
    const p = eventOf(r, 'paused');
    assert.is(p.whilePaused, '', 'nothing while paused');
    assert.is(p.afterResume, 'hello from the server');
  } finally {
    await greet.close();
    await bye.close();
  }
});

test.run();
