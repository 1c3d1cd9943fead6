/**
 * Every provider hands out plain Uint8Arrays: Buffer (a subclass with different slice()
 * semantics and extra methods) must not leak from node:crypto into the portable core.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { providersUnderTest } from './providers.js';

const z = (n: number) => new Uint8Array(n);

function plain(label: string, x: Uint8Array | null): void {
  assert.ok(x, `${label}: null`);
  assert.is(Object.getPrototypeOf(x), Uint8Array.prototype, `${label}: not a plain Uint8Array`);
}

for (const { label, provider: p } of providersUnderTest()) {
  test(`outputs are plain Uint8Array [${label}]`, () => {
    plain('hash', p.hash('sha256').update(z(3)).digest());
    plain('hash clone', p.hash('sha1').update(z(3)).clone().digest());
    plain('hmac', p.hmac('sha384', z(8)).update(z(3)).digest());
    plain('block', p.aesBlock(z(16)).encryptBlock(z(16)));
    plain('cbc encrypt', p.aesCbc(z(16)).encrypt(z(16), z(32)));
    plain('cbc decrypt', p.aesCbc(z(16)).decrypt(z(16), z(32)));
    for (const aead of [p.aesGcm(z(16)), p.aesCcm(z(16), 16), p.aesCcm(z(32), 8)]) {
      const sealed = aead.seal(z(12), z(20), z(13));
      plain('seal', sealed);
      plain('open', aead.open(z(12), sealed, z(13)));
    }
    plain('random', p.randomBytes(8));
  });
}

test.run();
