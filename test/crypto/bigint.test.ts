import { test } from 'uvu';
import * as assert from 'uvu/assert';
import crypto from 'node:crypto';
import { bitLength, compareUnsigned, modExp, stripLeadingZeros } from '../../src/crypto/bigint.js';
import { fromHex, toHex } from '../../src/encoding/bytes.js';
import { refPow, toBig as big } from '../helpers/bigint-reference.js';

const rnd = (n: number) => new Uint8Array(crypto.randomBytes(n));

test('modExp matches a reference for many sizes, windows and edge exponents', () => {
  for (const modBytes of [1, 3, 8, 64, 128, 256, 384]) {
    for (const expBytes of [0, 1, 3, 8, 9, 40, 64, 65, 128]) {
      const m = rnd(modBytes);
      m[0]! |= 0x80;
      m[modBytes - 1]! |= 1;
      const b = rnd(modBytes + 2);
      const e = rnd(expBytes);
      const got = modExp(b, e, m);
      assert.is(got.length, modBytes);
      assert.is(big(got), refPow(big(b), big(e), big(m)), `mod ${modBytes} exp ${expBytes}`);
    }
  }
  assert.is(toHex(modExp(fromHex('05'), fromHex(''), fromHex('07'))), '01');
  assert.is(toHex(modExp(fromHex('05'), fromHex('01'), fromHex('01'))), '00');
  assert.is(toHex(modExp(fromHex('00'), fromHex('03'), fromHex('0100'))), '0000', 'padded to the modulus length');
  assert.throws(() => modExp(fromHex('05'), fromHex('01'), fromHex('00')), /DIVISION_BY_ZERO/);
});

test('node:crypto agrees on an RSA public operation', () => {
  const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const n = new Uint8Array(Buffer.from(jwk.n!, 'base64url'));
  const e = new Uint8Array(Buffer.from(jwk.e!, 'base64url'));
  const sig = crypto.sign('sha256', Buffer.from('x'), privateKey);
  const em = crypto.publicDecrypt({ key: publicKey, padding: crypto.constants.RSA_NO_PADDING }, sig);
  assert.is(toHex(modExp(new Uint8Array(sig), e, n)), em.toString('hex'));
});

test('byte helpers', () => {
  assert.is(bitLength(fromHex('')), 0);
  assert.is(bitLength(fromHex('0000')), 0);
  assert.is(bitLength(fromHex('0001')), 1);
  assert.is(bitLength(fromHex('00ff00')), 16);
  assert.is(bitLength(fromHex('010000')), 17);
  assert.is(compareUnsigned(fromHex('0001'), fromHex('01')), 0);
  assert.is(compareUnsigned(fromHex('02'), fromHex('0101')), -1);
  assert.is(compareUnsigned(fromHex('0102'), fromHex('0101')), 1);
  assert.is(toHex(stripLeadingZeros(fromHex('000012'))), '12');
});

/** The BigInt backend: RSA and byte conversions, and the XS bundle's ECDSA. */
const BIGINT_FILES = ['src/crypto/bigint.ts', 'src/crypto/ecdsa-bigint.ts'];

test('no file in src/ or hw/ outside the BigInt backend uses BigInt', async () => {
  const { readdirSync, readFileSync, statSync } = await import('node:fs');
  const { join } = await import('node:path');
  const root = new URL('../../', import.meta.url).pathname;
  const offenders: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts') && !BIGINT_FILES.includes(p.slice(root.length))) {
        const text = readFileSync(p, 'utf8');
        if (/\bBigInt\s*\(|\b\d+n\b|\bbigint\b(?!(-[a-z]+)?\.js)/.test(text.replace(/\/\/.*|\/\*[\s\S]*?\*\//g, ''))) offenders.push(p.slice(root.length));
      }
    }
  };
  walk(join(root, 'src'));
  walk(join(root, 'hw'));
  assert.equal(offenders, []);
});

test.run();
