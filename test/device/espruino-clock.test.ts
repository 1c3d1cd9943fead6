/**
 * Espruino's clock from SNTP, inside the real Espruino binary: syncClock() sends the request
 * with `dgram`, checks the answer with the SNTP codec and sets the clock with `setTime` (and,
 * where setTime has no effect, as on this desktop build, microtls's clock keeps the correction).
 * The server here is a loopback UDP responder whose clock runs 10 days ahead.
 * Needs ../shared/engines/espruino (or ESPRUINO=); skipped with one counted line otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createSocket } from 'node:dgram';
import { toNtpTimestamp } from '../../src/time/sntp.js';
import { enginePath, engineMissing } from '../helpers/engines.js';
import { eventOf, runInEspruino } from '../helpers/espruino.js';

const AHEAD_MS = 10 * 86_400_000;

if (!enginePath('espruino')) {
  test.skip(`Espruino SNTP clock — ${engineMissing('espruino')}`, () => {});
} else {
  test('inside Espruino: syncClock() over dgram sets the clock from the answer', async () => {
    const server = createSocket('udp4');
    let requests = 0;
    server.on('message', (msg, rinfo) => {
      requests++;
      const answer = new Uint8Array(48);
      answer[0] = (0 << 6) | (4 << 3) | 4; // LI 0, version 4, server
      answer[1] = 2; // stratum
      answer.set(msg.subarray(40, 48), 24); // originate = the client's transmit timestamp
      const now = Date.now() + AHEAD_MS;
      answer.set(toNtpTimestamp(now), 32);
      answer.set(toNtpTimestamp(now), 40);
      server.send(answer, rinfo.port, rinfo.address);
    });
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
    try {
      const run = await runInEspruino(`
        var before = microtls.espruinoClock.now().getTime();
        microtls.syncClock('127.0.0.1', PORT, 5000).then(function (r) {
          out({ event: 'synced', offsetMs: r.offsetMs, moved: microtls.espruinoClock.now().getTime() - before });
          done();
        }, function (e) { out({ event: 'synced', error: e.codeName, message: String(e.message) }); done(); });
      `, { PORT: server.address().port });
      const r = eventOf(run, 'synced');
      assert.is(r.error, undefined, JSON.stringify(r));
      assert.is(requests, 1);
      assert.ok(Math.abs(Number(r.offsetMs) - AHEAD_MS) < 5000, `offset ${r.offsetMs}`);
      // setTime() where it works (devices), else microtls's own correction (this desktop build ignores setTime).
      assert.ok(Math.abs(Number(r.moved) - AHEAD_MS) < 5000, `the clock microtls verifies with moved by ${r.moved} ms`);
    } finally {
      server.close();
    }
  });
}

test.run();
