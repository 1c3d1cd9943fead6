/**
 * The Espruino plain-TCP transport (mqtt:// URLs) inside the real Espruino binary, over its
 * real `net` module: a write after the server closed the connection calls back with
 * NET_CONN_RESET instead of null, so no data is reported sent that never left.
 * Needs ../shared/engines/espruino (or ESPRUINO=); skipped with one counted line otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import { enginePath, engineMissing } from '../helpers/engines.js';
import { eventOf, runInEspruino } from '../helpers/espruino.js';

const HAVE_ENGINE = enginePath('espruino') !== undefined;

const BODY = `
microtls.connectTcp('127.0.0.1', PORT).then(function (d) {
  var got = '';
  d.on('data', function (x) { got += E.toString(x); });
  d.on('close', function () {
    var ret = d.write(new Uint8Array([1, 2, 3]), function (e) {
      out({ event: 'after-close', got: got, ret: ret, code: e ? e.codeName : null, message: e ? String(e.message) : null });
      done();
    });
  });
}, function (e) { out({ event: 'after-close', failed: String(e.codeName || e.message) }); done(); });
`;

const run = HAVE_ENGINE ? test : test.skip;
run(`Espruino: plain TCP write after the peer closed calls back NET_CONN_RESET${HAVE_ENGINE ? '' : ` — ${engineMissing('espruino')}`}`, async () => {
  const server = net.createServer((c) => { c.on('error', () => undefined); c.end('bye'); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    const r = await runInEspruino(BODY, { PORT: (server.address() as net.AddressInfo).port }, 60_000);
    const e = eventOf(r, 'after-close');
    assert.is(e.got, 'bye');
    assert.is(e.code, 'MBEDTLS_ERR_NET_CONN_RESET');
    assert.match(String(e.message), /write after close/);
    assert.is(e.ret, false);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

const CLOSE_ONLY = `
microtls.connectTcp('127.0.0.1', PORT).then(function (d) {
  // Only a 'close' listener: the server's bytes are held for a 'data' listener that never comes.
  var t = setTimeout(function () { out({ event: 'close-only', closed: false }); done(); }, 5000);
  d.on('close', function () { clearTimeout(t); out({ event: 'close-only', closed: true }); done(); });
}, function (e) { out({ event: 'close-only', failed: String(e.codeName || e.message) }); done(); });
`;

run(`Espruino: a socket with a 'close' listener and no 'data' listener still reports the close${HAVE_ENGINE ? '' : ` — ${engineMissing('espruino')}`}`, async () => {
  // Data after the listener is attached, then the close: both arrive while the data is held.
  const server = net.createServer((c) => { c.on('error', () => undefined); setTimeout(() => c.end('bye'), 300); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  try {
    const r = await runInEspruino(CLOSE_ONLY, { PORT: (server.address() as net.AddressInfo).port }, 60_000);
    assert.is(eventOf(r, 'close-only').closed, true);
  } finally {
    await new Promise<void>((r) => server.close(() => r()));
  }
});

test.run();
