/**
 * Inside the real Espruino binary: verified TLS connections one after another (connect() to
 * `openssl s_server`, a request and its answer, end) leave nothing behind. The first one
 * fills the caches (the parsed CA, the limb backend's tables); after it the variables in use
 * (process.memory(), after garbage collection) stay flat.
 * Espruino frees an object never again once 15 locks are held on it at one time (espruino/Espruino#2616
 * upstream); each nested method frame holds about two on `this`, so the TLS client's
 * deepest handshake path (7 frames) kept every connection alive (~1,150 variables each).
 * Needs ../shared/engines/espruino (or ESPRUINO=); skipped with one counted line otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { enginePath, engineMissing } from '../helpers/engines.js';
import { eventOf, runInEspruino, startSServer } from '../helpers/espruino.js';
import { createTestPki } from '../helpers/pki.js';

const BODY = `
var usage = [];
function one(next) {
  microtls.connect({ host: '127.0.0.1', port: PORT, servername: 'localhost', verify: true, ca: CA, timeout: 60000 }).then(function (s) {
    var got = 0;
    s.on('data', function (d) { got += d.length; });
    s.on('close', function () { setTimeout(function () { usage.push(process.memory().usage); next(); }, 200); });
    s.write('GET / HTTP/1.0\\r\\n\\r\\n');
    setTimeout(function () { s.end(); }, 300);
  }, function (e) { out({ event: 'failed', name: e.codeName, message: String(e.message) }); done(); });
}
function loop(i) { if (i === 4) { out({ event: 'usage', usage: usage }); done(); return; } one(function () { loop(i + 1); }); }
loop(0);
`;

const run = enginePath('espruino') ? test : test.skip;

/** Runs `body` (four connections to s_server, the variables in use after each) and checks that, after the first, they stay flat. */
async function assertFlat(body: string, vars: Record<string, unknown>): Promise<void> {
  const pki = createTestPki();
  const server = await startSServer();
  try {
    const r = await runInEspruino(body, { PORT: server.port, CA: pki.caCertPem, ...vars }, 180_000);
    const usage = eventOf(r, 'usage').usage as number[];
    assert.is(usage.length, 4);
    // The usage array itself grows by one variable per entry; a kept connection is >1,000.
    for (let i = 2; i < usage.length; i++) {
      assert.ok(usage[i]! - usage[1]! <= 40 * (i - 1), `connection ${i + 1} left ${usage[i]! - usage[i - 1]!} variables behind (in use after each: ${usage.join(', ')})`);
    }
  } finally {
    await server.close();
  }
}
run(`inside Espruino: after the first verified TLS connection, more of them leave the variables in use flat${enginePath('espruino') ? '' : ` — ${engineMissing('espruino')}`}`, async () => {
  await assertFlat(BODY, {});
});

// The pattern of a device that only checks it can connect, and the bench's: end() at once,
// inside connect()'s `.then`, no data. That callback must not run under the engine's frames.
const AT_ONCE = `
var usage = [];
function one(next) {
  microtls.connect({ host: '127.0.0.1', port: PORT, servername: 'localhost', verify: VERIFY, ca: CA, timeout: 60000 }).then(function (s) {
    s.on('close', function () { setTimeout(function () { usage.push(process.memory().usage); next(); }, 200); });
    s.end();
  }, function (e) { out({ event: 'failed', name: e.codeName, message: String(e.message) }); done(); });
}
function loop(i) { if (i === 4) { out({ event: 'usage', usage: usage }); done(); return; } one(function () { loop(i + 1); }); }
loop(0);
`;

for (const verify of [false, true]) {
  run(`inside Espruino: connections ended at once in connect()'s .then (${verify ? 'verified' : 'no verification'}) leave the variables in use flat${enginePath('espruino') ? '' : ` — ${engineMissing('espruino')}`}`, async () => {
    await assertFlat(AT_ONCE, { VERIFY: verify });
  });
}

test.run();
