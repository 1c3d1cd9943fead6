/** completeProvider's gap filling, the default provider, and the one-shot helpers. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { toHex } from '../../src/encoding/bytes.js';
import {
  completeProvider, digest, getDefaultProvider, hmacOnce, nobleProvider, setDefaultProvider,
  type AesBlockCipher, type CryptoProvider, type HashName,
} from '../../hw/index.js';
import { createNodeProvider } from '../../hw/node.js';

const OPS = ['hash', 'hmac', 'aesBlock', 'aesCbc', 'aesGcm', 'aesCcm', 'randomBytes'] as const;

test('an empty provider is completed entirely from noble and keeps its name', () => {
  const full = completeProvider({ name: 'empty' });
  assert.is(full.name, 'empty');
  for (const op of OPS) assert.type(full[op], 'function', op);
  assert.is(toHex(digest(full, 'sha256', new Uint8Array(0))), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.is(completeProvider().name, 'noble');
});

test('HMAC is built on the provider\'s own hash when it has no HMAC', () => {
  const used: HashName[] = [];
  const hashOnly: CryptoProvider = {
    name: 'sha-engine',
    hash(alg) {
      used.push(alg);
      return nobleProvider.hash(alg);
    },
  };
  const full = completeProvider(hashOnly);
  const mac = hmacOnce(full, 'sha384', new Uint8Array(10), new Uint8Array(10));
  assert.ok(used.filter((a) => a === 'sha384').length >= 2, 'inner and outer hashes must run on the engine');
  assert.is(toHex(mac), toHex(hmacOnce(nobleProvider, 'sha384', new Uint8Array(10), new Uint8Array(10))));
});

test('an accelerator\'s block cipher gets CCM, and is the one used', () => {
  let blocks = 0;
  const blockOnly: CryptoProvider = {
    name: 'aes-engine',
    aesBlock(key): AesBlockCipher {
      const inner = nobleProvider.aesBlock(key);
      return {
        encryptBlock(b) {
          blocks++;
          return inner.encryptBlock(b);
        },
      };
    },
  };
  const full = completeProvider(blockOnly);
  const key = new Uint8Array(16).fill(3);
  const sealed = full.aesCcm(key, 8).seal(new Uint8Array(12), new Uint8Array(40), new Uint8Array(13));
  assert.ok(blocks >= 8, `expected the engine to run CCM, saw ${blocks} blocks`);
  assert.is(toHex(sealed), toHex(nobleProvider.aesCcm(key, 8).seal(new Uint8Array(12), new Uint8Array(40), new Uint8Array(13))));
});

test('operations the provider has are used as they are, with `this` bound', () => {
  class Device implements CryptoProvider {
    readonly name = 'device';
    calls = 0;
    randomBytes(n: number): Uint8Array {
      this.calls++;
      return new Uint8Array(n).fill(7);
    }
  }
  const d = new Device();
  const full = completeProvider(d);
  assert.equal([...full.randomBytes(2)], [7, 7]);
  assert.is(d.calls, 1);
  const node = createNodeProvider();
  assert.is(completeProvider(node).name, 'node');
});

test('default provider: noble until set, then the completed replacement', () => {
  const before = getDefaultProvider();
  assert.is(before.name, 'noble');
  assert.is(getDefaultProvider(), before, 'stable between calls');
  try {
    setDefaultProvider({ name: 'custom', randomBytes: (n) => new Uint8Array(n) });
    const now = getDefaultProvider();
    assert.is(now.name, 'custom');
    assert.equal([...now.randomBytes(3)], [0, 0, 0]);
    assert.type(now.aesGcm, 'function');
  } finally {
    setDefaultProvider(nobleProvider);
  }
  assert.is(getDefaultProvider().name, 'noble');
});

test.run();
