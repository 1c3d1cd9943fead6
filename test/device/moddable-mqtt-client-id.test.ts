/**
 * Generated MQTT client ids through src/device/moddable.ts on an engine without
 * crypto.getRandomValues, as Moddable is: the random source the device settings give for TLS
 * (tlsOptions.random, e.g. moddableRandom(RNG)) must also make the id, or the id comes from the
 * clock alone and devices that connect in the same millisecond share it. Runs under Node with
 * globalThis.crypto hidden while the clients are made; nothing connects (port 1 is closed).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connectMqtt } from '../../src/device/moddable.js';
import { Ecma419StandIn } from './moddable-stand-ins.js';

function withoutWebCrypto<T>(fn: () => T): T {
  const saved = Object.getOwnPropertyDescriptor(globalThis, 'crypto');
  Object.defineProperty(globalThis, 'crypto', { value: undefined, configurable: true, writable: true });
  try {
    return fn();
  } finally {
    if (saved) Object.defineProperty(globalThis, 'crypto', saved);
  }
}

test('Moddable: a client without a clientId takes its id from the tlsOptions random source', () => {
  let fill = 0xa0;
  const random = (n: number): Uint8Array => new Uint8Array(n).fill(fill++);
  const clients = withoutWebCrypto(() => [0, 1].map(() => connectMqtt({ host: '127.0.0.1', port: 1, protocol: 'mqtt', reconnectPeriod: 0,
    tlsOptions: { random }, socket: { io: Ecma419StandIn } })));
  try {
    assert.equal(clients.map((c) => c.clientId), ['microtls_a0a0a0a0', 'microtls_a1a1a1a1']);
  } finally {
    for (const c of clients) { c.on('error', () => undefined); c.end(true); }
  }
});

test.run();
