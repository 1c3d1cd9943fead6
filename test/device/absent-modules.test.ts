/**
 * The modules the device bundles put in place of Node-side code (scripts/build-device.mjs):
 * they must refuse with the error the caller would get for that input, not fail oddly.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MicroTlsError } from '../../src/errors.js';
import { MqttProtocolError } from '../../src/mqtt/errors.js';
import { decodeDerAsn1js } from '../../src/device/absent-der-ber.js';
import { decodeClientPacket, serverPacketLayout } from '../../src/device/absent-mqtt-server-side.js';
import { Cursor } from '../../src/mqtt/codec/decode.js';
import { defaultTransport } from '../../src/device/absent-default-transport.js';
import { transportError } from '../../src/device/absent-transport-error.js';

test('absent-der-ber: input the strict DER path declines is refused with the caller\'s code', () => {
  try {
    decodeDerAsn1js(Uint8Array.of(0x30, 0x80, 0, 0), 'X509_INVALID_FORMAT', 'certificate');
    assert.unreachable('must throw');
  } catch (e) {
    assert.instance(e, MicroTlsError);
    assert.is((e as MicroTlsError).codeName, 'MBEDTLS_ERR_X509_INVALID_FORMAT');
    assert.match((e as MicroTlsError).message, /certificate: not strict DER/);
  }
});

test('absent-mqtt-server-side: a server sending CONNECT / SUBSCRIBE / UNSUBSCRIBE breaks MQTT §2.2.1', () => {
  for (const type of ['connect', 'subscribe', 'unsubscribe'] as const) {
    try {
      decodeClientPacket(type, new Cursor(new Uint8Array(0), type.toUpperCase()));
      assert.unreachable('must throw');
    } catch (e) {
      assert.instance(e, MqttProtocolError);
      assert.is((e as MqttProtocolError).rule, 'MQTT §2.2.1');
      assert.match((e as Error).message, new RegExp(`a server must not send ${type.toUpperCase()}`));
    }
  }
  assert.throws(() => serverPacketLayout({ type: 'connack', sessionPresent: false, returnCode: 0 }), (e: unknown) => e instanceof MqttProtocolError);
});

test('absent-default-transport: connect() without a transport fails its attempt with SSL_FEATURE_UNAVAILABLE', async () => {
  const t = defaultTransport();
  try {
    await t.transport({ cancelled: false, onCancel: () => undefined });
    assert.unreachable('must reject');
  } catch (e) {
    assert.instance(e, MicroTlsError);
    assert.is((e as MicroTlsError).codeName, 'MBEDTLS_ERR_SSL_FEATURE_UNAVAILABLE');
    assert.match((e as Error).message, /pass options\.transport/);
  }
  assert.equal(t.describeCertificates(), []);
});

test('absent-transport-error: a typed error passes through, anything else is NET_RECV_FAILED', () => {
  const typed = new MicroTlsError('NET_CONN_RESET', 'reset');
  assert.is(transportError(typed), typed);
  const other = transportError(new Error('socket gone'));
  assert.is(other.codeName, 'MBEDTLS_ERR_NET_RECV_FAILED');
  assert.match(other.message, /socket gone/);
});

test.run();
