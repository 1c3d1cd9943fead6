/**
 * microtls live inside XS: the XS bundle runs in an xsnap worker (Moddable XS 13.3, built
 * from @agoric/xsnap at install), the Node host only relays TCP bytes, timers and random
 * bytes (test/device/xs-relay.ts). The relay's sockets take the shapes of ECMA-419's TCP
 * class and of Moddable's `socket` module (no engine here has the real modules), so both
 * adapters of src/device/moddable*.ts run; TLS, X.509 and MQTT run in XS against
 * `openssl s_server` and mosquitto.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findMosquitto } from '../helpers/mosquitto.js';
import { findXsnap } from '../helpers/engines.js';
import { retryConnect } from '../helpers/servers.js';
import { XsLive } from './xs-relay.js';
import { startXsPeers, type XsPeers } from './xs-peers.js';

interface TlsResult {
  ms: number;
  cipherSuite?: string;
  resumed?: boolean;
  clientCertificateSent?: boolean;
  echo?: string;
  hasSession?: boolean;
  error?: { code: number; codeName: string; message: string };
}

const xsnap = findXsnap();
let live: XsLive;
let peers: XsPeers;
let loadError: Error | undefined;

if (!xsnap.path) {
  test.skip(`XS live tests (xsnap) — ${xsnap.note}`, () => {});
} else {
  test.before(async () => {
    try {
      peers = await startXsPeers();
      live = (await XsLive.start({ xsnap: xsnap.path! })).live;
      // s_server needs a moment to listen.
      await retryConnect(async () => {
        const r = await live.run<TlsResult>('tls', { port: peers.sServer.port, verify: false });
        if (r.error) throw new Error(r.error.message);
      });
    } catch (e) {
      loadError = e instanceof Error ? e : new Error(String(e));
    }
  });
  test.after(async () => {
    await live?.close();
    await peers?.close();
  });

  const tls = (params: Record<string, unknown>): Promise<TlsResult> => {
    if (loadError) throw loadError;
    return live.run<TlsResult>('tls', params);
  };

  test('XS (xsnap): the bundle loads and a handshake runs', () => {
    assert.is(loadError, undefined, loadError?.message);
  });

  test('XS (xsnap): verified handshake with openssl s_server over ECMA-419 TCP, data both ways', async () => {
    const r = await tls({ port: peers.sServer.port, verify: true, ca: peers.caPem, echo: true });
    assert.is(r.error, undefined, r.error?.message);
    assert.match(r.cipherSuite!, /^TLS_RSA_WITH_AES_/);
    assert.is(r.resumed, false);
    assert.is(r.echo, 'hello from xs', 's_server echoes what XS sent');
  });

  test('XS (xsnap): verified handshake over Moddable\'s socket-module API', async () => {
    const r = await tls({ port: peers.sServer.port, verify: true, ca: peers.caPem, echo: true, api: 'socket' });
    assert.is(r.error, undefined, r.error?.message);
    assert.is(r.echo, 'hello from xs');
  });

  test('XS (xsnap): a reconnect resumes by the session ticket', async () => {
    const first = await tls({ port: peers.sServer.port, verify: true, ca: peers.caPem });
    assert.is(first.error, undefined, first.error?.message);
    assert.ok(first.hasSession, 's_server issued a ticket');
    const again = await tls({ port: peers.sServer.port, verify: true, ca: peers.caPem, resume: true, echo: true });
    assert.is(again.error, undefined, again.error?.message);
    assert.is(again.resumed, true, 'abbreviated handshake');
    assert.is(again.echo, 'hello from xs');
  });

  for (const bits of [1024, 2048] as const) {
    test(`XS (xsnap): client certificate RSA-${bits} accepted by s_server -Verify 1`, async () => {
      const c = bits === 1024 ? peers.client1024 : peers.client2048;
      const r = await tls({ port: peers.sServerClientAuth.port, verify: true, ca: peers.caPem, cert: c.cert, key: c.key, echo: true });
      assert.is(r.error, undefined, r.error?.message);
      assert.is(r.clientCertificateSent, true);
      assert.is(r.echo, 'hello from xs');
    });
  }

  test('XS (xsnap): a flipped bit in the server\'s Finished ends with MBEDTLS_ERR_SSL_INVALID_MAC, socket closed', async () => {
    live.tamperNextFinished = true;
    const r = await tls({ port: peers.sServer.port, verify: true, ca: peers.caPem, suite: 'TLS_RSA_WITH_AES_128_GCM_SHA256' });
    assert.is(r.error?.codeName, 'MBEDTLS_ERR_SSL_INVALID_MAC', JSON.stringify(r));
    assert.is(r.error?.code, -0x7180);
    assert.is(r.cipherSuite, undefined);
  });

  test('XS (xsnap): a server signed by another CA ends with MBEDTLS_ERR_X509_CERT_VERIFY_FAILED', async () => {
    const r = await tls({ port: peers.sServer.port, verify: true, ca: peers.otherCaPem });
    assert.is(r.error?.codeName, 'MBEDTLS_ERR_X509_CERT_VERIFY_FAILED', JSON.stringify(r));
    assert.is(r.error?.code, -0x2700);
  });

  test('XS (xsnap): verification with a Moddable clock not yet set starts no connection (X509_BAD_INPUT_DATA)', async () => {
    const r = await tls({ port: peers.sServer.port, verify: true, ca: peers.caPem, clockUnset: true });
    assert.is(r.error?.codeName, 'MBEDTLS_ERR_X509_BAD_INPUT_DATA', JSON.stringify(r));
    assert.match(r.error!.message, /clock is not set/);
    assert.is(live.openSockets, 0, 'no TCP connection was opened');
  });

  if (!findMosquitto()) {
    test.skip('XS (xsnap): MQTT over TLS — needs the mosquitto binary', () => {});
  } else {
    test('XS (xsnap): MQTT QoS 1 publish and subscribe through mosquitto over verified TLS', async () => {
      if (loadError) throw loadError;
      const r = await live.run<{ granted?: { qos: number }[]; payload?: string; rtts?: number[]; error?: { message: string } }>(
        'mqtt', { port: peers.mqttsPort, ca: peers.caPem, topic: 'xs/live/qos1', rounds: 3 });
      assert.is(r.error, undefined, r.error?.message);
      assert.equal(r.granted?.map((g) => g.qos), [1]);
      assert.is(r.payload, 'qos1 from xs 2');
      assert.is(r.rtts?.length, 3);
    });

    test('XS (xsnap): MQTT without TLS (the device\'s "TLSv1.2 mode = Disable") over the same sockets', async () => {
      if (loadError) throw loadError;
      const r = await live.run<{ payload?: string; tlsConnections?: unknown[]; error?: { message: string } }>(
        'mqtt', { port: peers.mqttPort, plain: true, topic: 'xs/live/plain' });
      assert.is(r.error, undefined, r.error?.message);
      assert.is(r.payload, 'qos1 from xs 0');
      assert.equal(r.tlsConnections, [], 'no TLS connection');
    });

    test('XS (xsnap): MQTT reconnect after the network drops resumes the TLS session by ticket', async () => {
      if (loadError) throw loadError;
      const r = await live.run<{ tlsConnections?: { resumed: boolean }[]; afterReconnect?: string; error?: { message: string } }>(
        'mqtt', { port: peers.mqttsPort, ca: peers.caPem, topic: 'xs/live/reconnect', reconnect: true });
      assert.is(r.error, undefined, r.error?.message);
      assert.equal(r.tlsConnections?.map((c) => c.resumed), [false, true], 'first full, then resumed');
      assert.is(r.afterReconnect, 'after the reconnect');
    });
  }

  test('XS (xsnap): nothing left open, in XS or on the host', async () => {
    if (loadError) throw loadError;
    await new Promise((r) => setTimeout(r, 200));
    const r = await live.run<{ sockets: number; timers: number }>('heap');
    assert.is(r.sockets, 0, 'XS-side sockets');
    assert.is(r.timers, 0, 'XS-side timers (handshake timeouts, MQTT keepalive)');
    assert.is(live.openSockets, 0, 'host-side sockets');
  });
}

test.run();
