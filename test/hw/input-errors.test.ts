/** Bad keys, nonces and lengths are MicroTlsErrors with Mbed TLS names, on every provider. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MicroTlsError } from '../../src/errors.js';
import { providersUnderTest } from './providers.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof MicroTlsError) return e.codeName.replace('MBEDTLS_ERR_', '');
    return `non-MicroTlsError: ${String(e)}`;
  }
  return 'no error';
}

const z = (n: number) => new Uint8Array(n);

for (const { label, provider: p } of providersUnderTest()) {
  test(`input validation [${label}]`, () => {
    assert.is(code(() => p.aesGcm(z(15))), 'GCM_BAD_INPUT');
    assert.is(code(() => p.aesGcm(z(16)).seal(z(8), z(1), z(0))), 'GCM_BAD_INPUT');
    assert.is(code(() => p.aesGcm(z(16)).open(z(16), z(32), z(0))), 'GCM_BAD_INPUT');
    assert.is(code(() => p.aesCcm(z(20), 16)), 'CCM_BAD_INPUT');
    assert.is(code(() => p.aesCcm(z(16), 5 as 8).seal(z(12), z(1), z(0))), 'CCM_BAD_INPUT');
    assert.is(code(() => p.aesCcm(z(16), 16).seal(z(14), z(1), z(0))), 'CCM_BAD_INPUT');
    assert.is(code(() => p.aesCbc(z(17))), 'CIPHER_BAD_INPUT_DATA');
    assert.is(code(() => p.aesCbc(z(16)).encrypt(z(15), z(16))), 'CIPHER_BAD_INPUT_DATA');
    assert.is(code(() => p.aesCbc(z(16)).encrypt(z(16), z(17))), 'CIPHER_FULL_BLOCK_EXPECTED');
    assert.is(code(() => p.aesCbc(z(16)).decrypt(z(16), z(15))), 'CIPHER_FULL_BLOCK_EXPECTED');
    assert.is(code(() => p.aesBlock(z(0))), 'CIPHER_BAD_INPUT_DATA');
    assert.is(code(() => p.aesBlock(z(32)).encryptBlock(z(17))), 'CIPHER_BAD_INPUT_DATA');
    // Well-formed inputs of every key size go through.
    for (const k of [16, 24, 32]) {
      assert.is(p.aesBlock(z(k)).encryptBlock(z(16)).length, 16);
      assert.is(p.aesCbc(z(k)).decrypt(z(16), z(0)).length, 0);
    }
  });
}

test.run();
