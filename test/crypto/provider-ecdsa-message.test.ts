/**
 * The ecdsaVerifyMessage provider operation (engines that hash internally) against the pure
 * path, on every Wycheproof ECDSA case, through verifySignature:
 * - pure-js: no provider op (the provider's hash, then noble); the reference.
 * - node-message: createNodeProvider()'s ecdsaVerifyMessage (crypto.verify(hash, message, ...)),
 *   wrapped in the counting provider so the engine calls are visible.
 * - accept-all: a message engine that says yes to everything: every case the strict DER parse
 *   or the r/s length checks refuse must be refused before it (and so by every engine).
 * Plus the op's own contract: preferred over ecdsaVerify, md5 refused on every path, a throwing
 * or non-boolean engine is a refusal, and the node op never throws on junk.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import crypto from 'node:crypto';
import { completeProvider, createCountingProvider, getDefaultProvider, type CryptoProvider, type EcCurveName, type HashName } from '../../hw/index.js';
import { createNodeProvider } from '../../hw/node.js';
import { fromHex } from '../../src/encoding/bytes.js';
import { importPublicKey, parseSubjectPublicKeyInfo } from '../../src/crypto/keys.js';
import { verifySignature } from '../../src/crypto/signature.js';
import type { EcPublicKey } from '../../src/crypto/key-types.js';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadWycheproof, type WycheproofGroup, type WycheproofTest } from '../vectors/wycheproof.js';

const pure = getDefaultProvider();
const counting = createCountingProvider(createNodeProvider());
const node = completeProvider(counting.provider);
const HASHES: Record<string, HashName> = { 'SHA-1': 'sha1', 'SHA-224': 'sha224', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };
const DIR = join(dirname(fileURLToPath(import.meta.url)), '../vectors/wycheproof');
const ecFiles = readdirSync(DIR).filter((f) => /^ecdsa_.*\.json$/.test(f)).sort();

interface EcTest extends WycheproofTest { msg: string; sig: string }
interface EcGroup extends WycheproofGroup<EcTest> { sha: string; publicKeyDer: string }

type MessageArgs = [EcCurveName, Uint8Array, HashName, Uint8Array, Uint8Array];

function messageEngine(name: string, verify: (...args: MessageArgs) => boolean) {
  const seen: MessageArgs[] = [];
  const provider: CryptoProvider = {
    name,
    ecdsaVerifyMessage(...args) {
      seen.push(args);
      return verify(...args);
    },
  };
  return { provider: completeProvider(provider), seen };
}

class Verdicts {
  accepted = 0;
  rejected = 0;
  add(ok: boolean): void {
    if (ok) this.accepted++;
    else this.rejected++;
  }
  toString(): string {
    return `${this.accepted} accepted / ${this.rejected} rejected`;
  }
}

test('every ECDSA vector file is here, and the node provider takes the message path', () => {
  assert.equal(ecFiles, [
    'ecdsa_secp256r1_sha256_test.json', 'ecdsa_secp256r1_sha512_test.json', 'ecdsa_secp384r1_sha256_test.json',
    'ecdsa_secp384r1_sha384_test.json', 'ecdsa_secp384r1_sha512_test.json', 'ecdsa_secp521r1_sha512_test.json',
  ]);
  assert.type(node.ecdsaVerifyMessage, 'function');
  assert.not.ok('ecdsaVerify' in node, 'node:crypto still has no digest op');
  assert.not.ok('ecdsaVerifyMessage' in pure);
});

for (const file of ecFiles) {
  test(`wycheproof ${file}: pure-js and the node message op agree on every case`, () => {
    const data = loadWycheproof<EcGroup>(file);
    counting.reset();
    const yes = messageEngine('accept-all', () => true);
    const jsV = new Verdicts();
    const nodeV = new Verdicts();
    let malformed = 0;
    for (const group of data.testGroups) {
      const key = parseSubjectPublicKeyInfo(fromHex(group.publicKeyDer)) as EcPublicKey;
      const hash = HASHES[group.sha]!;
      for (const t of group.tests) {
        const msg = fromHex(t.msg);
        const sig = fromHex(t.sig);
        const where = `${file} tcId ${t.tcId} (${t.comment}; ${t.flags.join(',')})`;
        const a = verifySignature(pure, key, hash, msg, sig);
        const b = verifySignature(node, key, hash, msg, sig);
        assert.is(a, t.result === 'valid', `unexpected pure-js verdict: ${where}`);
        assert.is(b, a, `node message path differs: ${where}`);
        jsV.add(a);
        nodeV.add(b);
        const before = yes.seen.length;
        const d = verifySignature(yes.provider, key, hash, msg, sig);
        if (yes.seen.length > before) {
          // What an engine receives: the key's curve and point, the group's hash, the message
          // itself and the signature bytes unchanged.
          assert.equal(yes.seen[before], [key.curve, key.point, hash, msg, sig], where);
          assert.ok(d, where);
        } else {
          assert.not.ok(d, where);
        }
        if (t.flags.includes('BerEncodedSignature') || t.flags.includes('InvalidEncoding')) {
          assert.is(yes.seen.length, before, `malformed signature reached the engine: ${where}`);
          malformed++;
        }
      }
    }
    assert.is(jsV.accepted + jsV.rejected, data.numberOfTests);
    const m = counting.counts().publicKey.ecdsaVerifyMessage;
    // Both the accept-all engine and node's op are called exactly when our checks pass.
    assert.is(m.calls, yes.seen.length);
    assert.is(counting.counts().hash.sha256.calls + counting.counts().hash.sha384.calls + counting.counts().hash.sha512.calls, 0,
      'the message path does no separate hash pass');
    const refused = data.numberOfTests - m.calls;
    console.log(`provider-ecdsa-message ${file} (${data.numberOfTests} cases): pure-js ${jsV}; node-message ${nodeV};` +
      ` ${m.calls} reached the engine, ${refused} refused by src/crypto first (incl. all ${malformed} BER/InvalidEncoding)`);
  });
}

const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const key = importPublicKey(new Uint8Array(ec.publicKey.export({ type: 'spki', format: 'der' }))) as EcPublicKey;
const msg = new Uint8Array(crypto.randomBytes(100));
const sig = new Uint8Array(crypto.sign('sha256', msg, ec.privateKey));

test('verifySignature prefers the message op, and contains a misbehaving message engine', () => {
  let digestCalls = 0;
  let messageCalls = 0;
  const both = completeProvider({
    name: 'both',
    ecdsaVerify: () => { digestCalls++; return false; },
    ecdsaVerifyMessage: () => { messageCalls++; return true; },
  });
  assert.ok(verifySignature(both, key, 'sha256', msg, sig));
  assert.is(messageCalls, 1);
  assert.is(digestCalls, 0);
  const truthy = completeProvider({ name: 'truthy', ecdsaVerifyMessage: () => 1 as unknown as boolean });
  assert.is(verifySignature(truthy, key, 'sha256', msg, sig), false, 'only boolean true counts');
  const throwing = completeProvider({ name: 'throwing', ecdsaVerifyMessage: (): boolean => { throw new Error('secure element timeout'); } });
  assert.is(verifySignature(throwing, key, 'sha256', msg, sig), false);
  // r or s longer than the field, and a curve src/crypto does not know, never reach an engine.
  const yes = messageEngine('accept-all', () => true);
  const long = Uint8Array.of(0x30, 0x26, 0x02, 0x21, 0x01, ...new Uint8Array(32).fill(1), 0x02, 0x01, 0x01);
  assert.is(verifySignature(yes.provider, key, 'sha256', msg, long), false);
  assert.is(verifySignature(yes.provider, { ...key, curve: 'P-999' as 'P-256' }, 'sha256', msg, sig), false);
  assert.is(verifySignature(yes.provider, key, 'sha256', msg, Uint8Array.from([...sig, 0])), false);
  assert.is(yes.seen.length, 0);
});

test('ECDSA with md5 is refused on every path (OpenSSL would take it)', () => {
  const md5sig = new Uint8Array(crypto.sign('md5', msg, ec.privateKey));
  assert.ok(crypto.verify('md5', msg, ec.publicKey, md5sig), 'OpenSSL itself accepts ECDSA-with-MD5');
  const yes = messageEngine('accept-all', () => true);
  for (const p of [pure, node, yes.provider]) assert.is(verifySignature(p, key, 'md5', msg, md5sig), false, p.name);
  assert.is(yes.seen.length, 0);
  // And the node op on its own: md5 is not an ECDSA hash.
  assert.is(createNodeProvider().ecdsaVerifyMessage!('P-256', key.point, 'md5', msg, md5sig), false);
});

test('node ecdsaVerifyMessage: all curves and hashes, never throws, false on junk', () => {
  const op = createNodeProvider().ecdsaVerifyMessage!;
  for (const curve of ['P-256', 'P-384', 'P-521'] as const) {
    const pair = crypto.generateKeyPairSync('ec', { namedCurve: curve });
    const k = importPublicKey(new Uint8Array(pair.publicKey.export({ type: 'spki', format: 'der' }))) as EcPublicKey;
    for (const hash of ['sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const) {
      const s = new Uint8Array(crypto.sign(hash, msg, pair.privateKey));
      assert.ok(op(curve, k.point, hash, msg, s), `${curve} ${hash}`);
      // Twice: the second call is served by the KeyObject cache.
      assert.ok(op(curve, k.point, hash, msg, s), `${curve} ${hash} cached`);
      assert.ok(op(curve, k.point.slice(), hash, msg, s), `${curve} ${hash} same point, new array`);
      assert.not.ok(op(curve, k.point, hash, msg.subarray(1), s));
      assert.ok(verifySignature(node, k, hash, msg, s));
    }
    const s = new Uint8Array(crypto.sign('sha256', msg, pair.privateKey));
    const off = k.point.slice();
    off[off.length - 1]! ^= 1;
    assert.not.ok(op(curve, off, 'sha256', msg, s), `${curve} point off the curve`);
    assert.not.ok(op(curve, k.point.subarray(0, k.point.length - 1), 'sha256', msg, s), `${curve} short point`);
  }
  const junk: Array<[string, () => boolean]> = [
    ['empty signature', () => op('P-256', key.point, 'sha256', msg, new Uint8Array(0))],
    ['raw r||s', () => op('P-256', key.point, 'sha256', msg, new Uint8Array(64).fill(1))],
    ['point of the wrong curve', () => op('P-384', key.point, 'sha256', msg, sig)],
    ['compressed point', () => op('P-256', key.point.subarray(0, 33), 'sha256', msg, sig)],
    ['all-zero point', () => op('P-256', new Uint8Array(65), 'sha256', msg, sig)],
    ['point off the curve', () => op('P-256', Uint8Array.from([...key.point.subarray(0, 64), key.point[64]! ^ 1]), 'sha256', msg, sig)],
    ['unknown curve', () => op('P-999' as 'P-256', key.point, 'sha256', msg, sig)],
    ['unknown hash', () => op('P-256', key.point, 'sha3-256' as 'sha256', msg, sig)],
    ['prototype key as hash', () => op('P-256', key.point, 'constructor' as 'sha256', msg, sig)],
  ];
  for (const [what, f] of junk) assert.is(f(), false, what);
  // The same point array used as the right curve after a wrong-curve attempt still works.
  assert.ok(op('P-256', key.point, 'sha256', msg, sig));
});

test('the counting provider counts ecdsaVerifyMessage per curve and its internal hash blocks', () => {
  const c = createCountingProvider(createNodeProvider());
  const full = completeProvider(c.provider);
  assert.ok(verifySignature(full, key, 'sha256', msg, sig));
  assert.not.ok(verifySignature(full, key, 'sha256', msg, Uint8Array.from([...sig, 0])));
  const m = c.counts().publicKey.ecdsaVerifyMessage;
  // 100 bytes of SHA-256: 100 + 1 + 8 -> 2 blocks. The malformed signature never reached it.
  assert.equal(m, { calls: 1, byCurve: { 'P-256': 1 }, hashBlocks: { sha256: 2 } });
  assert.is(c.counts().hash.sha256.calls, 0);
});

test.run();
