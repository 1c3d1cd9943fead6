/**
 * The MQTT client of the Espruino bundle inside the real Espruino binary: mqtts:// to a
 * private mosquitto over microtls (verified, the device's settings object), QoS 1 subscribe
 * and publish with the message coming back, then a dropped connection that the client
 * re-opens by itself, resuming the TLS session by ticket.
 * Needs ../shared/engines/espruino (or ESPRUINO=) and mosquitto; skipped with one counted line otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { enginePath, engineMissing } from '../helpers/engines.js';
import { eventOf, runInEspruino } from '../helpers/espruino.js';
import { findMosquitto, startMosquitto } from '../helpers/mosquitto.js';
import { createTestPki } from '../helpers/pki.js';

const RSA_KX_CIPHERS = 'AES256-GCM-SHA384:AES128-GCM-SHA256:AES256-SHA256:AES128-SHA256:AES256-SHA:AES128-SHA';

if (!enginePath('espruino') || !findMosquitto()) {
  test.skip(`Espruino MQTT over TLS — ${!enginePath('espruino') ? engineMissing('espruino') : 'needs mosquitto'}`, () => {});
} else {
  test('inside Espruino: mqtts QoS 1 publish + subscribe through mosquitto, then a reconnect resumed by ticket', async () => {
    const pki = createTestPki();
    const broker = await startMosquitto({
      plain: false,
      extraPorts: 1,
      files: { 'ca.pem': pki.caCertPem, 'server.pem': pki.certPem, 'server.key': pki.keyPem },
      extraConfig: (b) => [
        `listener ${b.extraPorts[0]} 127.0.0.1`,
        `certfile ${b.dir}/server.pem`,
        `keyfile ${b.dir}/server.key`,
        'tls_version tlsv1.2',
        `ciphers ${RSA_KX_CIPHERS}`,
      ],
    });
    try {
      const run = await runInEspruino(`
        var settings = { verifyServerCertificate: true, caCertificate: CA, servername: 'localhost', clientId: 'espruino-test',
          maxFragmentLength: 4096, reconnectPeriod: 200 };
        setTimeout(function () { out({ event: 'gave-up' }); done(); }, 45000);
        var t0 = Date.now();
        var client = microtls.connectMqtt('mqtts://127.0.0.1:' + PORT, settings);
        var connects = 0;
        client.on('error', function (e) { out({ event: 'client-error', name: e.codeName, message: String(e.message) }); });
        client.on('message', function (topic, payload) {
          out({ event: 'message', topic: topic, payload: E.toString(payload), rttMs: Date.now() - tPub, usage: process.memory().usage });
          got++;
          dropWhenBoth();
        });
        var got = 0;
        // Once PUBACK and the message are both in, drop the connection under the client: it must reconnect on its own.
        function dropWhenBoth() { if (got === 2) client.transport.destroy(); }
        var tPub = 0;
        client.on('connect', function () {
          connects++;
          out({ event: 'connect', n: connects, ms: Date.now() - t0, resumed: client.transport.resumed === true,
            handshakeMs: client.transport.handshake.timings.handshakeMs, usage: process.memory().usage });
          if (connects === 1) {
            client.subscribe('espruino/t', { qos: 1 }).then(function () {
              tPub = Date.now();
              return client.publish('espruino/t', 'hello from espruino', { qos: 1 });
            }).then(function () { out({ event: 'puback', ms: Date.now() - tPub }); got++; dropWhenBoth(); },
              function (e) { out({ event: 'op-error', name: e.codeName, message: String(e.message) }); });
          } else {
            client.end();
            done();
          }
        });
      `, { PORT: broker.extraPorts[0]!, CA: pki.caCertPem }, 60_000);
      const first = eventOf(run, 'connect');
      assert.is(first.n, 1);
      assert.is(first.resumed, false, 'the first connection is a full handshake');
      eventOf(run, 'puback');
      const msg = eventOf(run, 'message');
      assert.is(msg.topic, 'espruino/t');
      assert.is(msg.payload, 'hello from espruino');
      const second = run.events.find((e) => e.event === 'connect' && e.n === 2);
      assert.ok(second, `no reconnect; output:\n${run.stdout.slice(-2000)}`);
      assert.is(second.resumed, true, 'the reconnect resumed the TLS session by ticket');
      assert.match(broker.log(), /espruino-test/);
    } finally {
      await broker.dispose();
    }
  });
}

test.run();
