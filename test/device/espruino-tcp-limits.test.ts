/**
 * The Espruino plain-TCP transport (mqtt:// URLs, connectTcp) inside the real Espruino
 * binary, over its real `net` module, held to the TLS socket's rules: write() returns false
 * past the high-water mark and calls back on 'drain'; past the write-queue limit the
 * connection fails with NET_SEND_FAILED (its lost writes call back with it); pause() holds
 * what arrives until resume(), and past the hold limit the connection fails with
 * SSL_BUFFER_TOO_SMALL instead of growing RAM.
 * Needs ../shared/engines/espruino (or ESPRUINO=); skipped with one counted line otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as net from 'node:net';
import { enginePath, engineMissing } from '../helpers/engines.js';
import { eventOf, runInEspruino } from '../helpers/espruino.js';

const HAVE_ENGINE = enginePath('espruino') !== undefined;

// Writes in one tick cannot see a 'drain', so what they queue only adds up.
const BODY = `
var chunk = new Uint8Array(4096);
function backpressure(next) {
  microtls.connectTcp('127.0.0.1', PORT_SINK).then(function (d) {
    var rets = [], called = [];
    for (var i = 0; i < 8; i++) rets.push(d.write(chunk, (function (k) { return function (e) { called.push(k + (e ? ':' + e.codeName : '')); }; })(i)));
    var queuedAfter = d.writableLength, calledAtOnce = called.length;
    d.once('drain', function () {
      setTimeout(function () {
        out({ event: 'backpressure', rets: rets, queuedAfter: queuedAfter, calledAtOnce: calledAtOnce, called: called, queuedNow: d.writableLength });
        d.end();
        next();
      }, 50);
    });
  }, function (e) { out({ event: 'backpressure', failed: String(e.codeName || e.message) }); next(); });
}
function cap(next) {
  microtls.connectTcp('127.0.0.1', PORT_SINK).then(function (d) {
    var errors = [], cbErrors = [];
    d.on('error', function (e) { errors.push(e.codeName); });
    d.on('close', function () { setTimeout(function () { out({ event: 'cap', errors: errors, cbErrors: cbErrors }); next(); }, 50); });
    for (var i = 0; i < 20; i++) d.write(chunk, function (e) { if (e) cbErrors.push(e.codeName); });
  }, function (e) { out({ event: 'cap', failed: String(e.codeName || e.message) }); next(); });
}
function paused(next) {
  microtls.connectTcp('127.0.0.1', PORT_TALK).then(function (d) {
    var got = 0, errors = [];
    d.pause();
    d.on('data', function (x) { got += x.length; });
    d.on('error', function (e) { errors.push(e.codeName); });
    d.write(E.toUint8Array('1000'));
    setTimeout(function () {
      var whilePaused = got;
      d.resume();
      setTimeout(function () {
        var afterResume = got;
        d.pause();
        d.write(E.toUint8Array('40000'));
        d.on('close', function () { out({ event: 'paused', whilePaused: whilePaused, afterResume: afterResume, errors: errors }); next(); });
      }, 300);
    }, 700);
  }, function (e) { out({ event: 'paused', failed: String(e.codeName || e.message) }); next(); });
}
backpressure(function () { cap(function () { paused(done); }); });
`;

const run = HAVE_ENGINE ? test : test.skip;
run(`Espruino: plain TCP has the TLS socket's write queue, drain backpressure and bounded pause()/resume()${HAVE_ENGINE ? '' : ` — ${engineMissing('espruino')}`}`, async () => {
  // A sink that reads (so 'drain' comes) and a talker that sends as many bytes as it is asked for.
  const sink = net.createServer((c) => { c.on('error', () => undefined); c.resume(); });
  const talk = net.createServer((c) => {
    c.on('error', () => undefined);
    c.on('data', (d) => { c.write(Buffer.alloc(Number(d.toString('latin1')), 0x61)); });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', () => r()));
  await new Promise<void>((r) => talk.listen(0, '127.0.0.1', () => r()));
  try {
    const r = await runInEspruino(BODY, { PORT_SINK: (sink.address() as net.AddressInfo).port, PORT_TALK: (talk.address() as net.AddressInfo).port }, 90_000);
    const b = eventOf(r, 'backpressure');
    const rets = b.rets as boolean[];
    assert.is(rets[0], true, 'the first write is under the high-water mark');
    assert.is(rets[rets.length - 1], false, '32 KiB in one tick is over it');
    assert.is(b.queuedAfter, 8 * 4096, 'writableLength counts what the socket holds');
    assert.ok((b.calledAtOnce as number) < 8, 'callbacks past the mark wait');
    assert.equal(b.called, ['0', '1', '2', '3', '4', '5', '6', '7'], 'every callback runs once, without error, after drain');
    assert.is(b.queuedNow, 0);
    const c = eventOf(r, 'cap');
    assert.equal(c.errors, ['MBEDTLS_ERR_NET_SEND_FAILED'], 'past 64 KiB queued the connection fails');
    assert.ok((c.cbErrors as string[]).length > 0 && (c.cbErrors as string[]).every((e) => e === 'MBEDTLS_ERR_NET_SEND_FAILED'), 'writes lost to the failure report it');
    const p = eventOf(r, 'paused');
    assert.is(p.whilePaused, 0, 'nothing while paused');
    assert.is(p.afterResume, 1000, 'all of it after resume()');
    assert.equal(p.errors, ['MBEDTLS_ERR_SSL_BUFFER_TOO_SMALL'], 'more than the hold limit while paused fails the connection');
  } finally {
    await new Promise<void>((r) => sink.close(() => r()));
    await new Promise<void>((r) => talk.close(() => r()));
  }
});

test.run();
