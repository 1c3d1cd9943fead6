/**
 * The trust-store cache and signature memo of createChainVerifier (src/x509/verifier.ts,
 * memo.ts): reconnects reuse parsed CAs and signature verdicts, but never for different
 * bytes, and every other check still runs on every verification.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { completeProvider, nobleProvider } from '../../hw/index.js';
import type { FullCryptoProvider } from '../../hw/provider.js';
import { ecdsaVerify } from '../../src/crypto/ecdsa.js';
import { createChainVerifier } from '../../src/x509/verifier.js';
import { SignatureMemo } from '../../src/x509/memo.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { fixedClock } from '../../src/time/clock.js';
import { EXT, issue } from '../helpers/chains.js';

const clock = fixedClock(new Date(Date.now() + 3600e3));

function pki(tag: string) {
  const root = issue({ name: `vc-root-${tag}`, key: 'p256', subject: `/CN=VC Root ${tag}`, ext: EXT.root });
  const inter = issue({ name: `vc-inter-${tag}`, key: 'p256', subject: `/CN=VC Inter ${tag}`, issuer: root, ext: EXT.intermediate });
  const leaf = issue({ name: `vc-leaf-${tag}`, key: 'rsa2048', subject: '/CN=broker.example.com', issuer: inter, ext: EXT.server('DNS:broker.example.com') });
  return { root, inter, leaf };
}

/** A provider whose ecdsaVerify counts calls and answers with src/crypto's own ECDSA (noble), so verdicts are real. */
function countingEcdsa(): { provider: FullCryptoProvider; count: () => number } {
  let n = 0;
  const provider: FullCryptoProvider = {
    ...completeProvider(nobleProvider),
    ecdsaVerify: (curve, point, digest, sig) => {
      n++;
      return ecdsaVerify({ type: 'ec', curve, point, bits: curve === 'P-256' ? 256 : curve === 'P-384' ? 384 : 521 }, digest, sig);
    },
  };
  return { provider, count: () => n };
}

test('same CA text: parsed once, shared by verifiers; cache: false parses again', () => {
  const { root, inter, leaf } = pki('a');
  const a = createChainVerifier({ trusted: root.pem, clock });
  const b = createChainVerifier({ trusted: root.pem, clock });
  const c = createChainVerifier({ trusted: root.pem, clock, cache: false });
  const ra = a({ chain: [leaf.der, inter.der], serverName: 'broker.example.com' });
  const rb = b({ chain: [leaf.der, inter.der], serverName: 'broker.example.com' });
  const rc = c({ chain: [leaf.der, inter.der], serverName: 'broker.example.com' });
  assert.ok(ra.ok && rb.ok && rc.ok);
  if (!ra.ok || !rb.ok || !rc.ok) return;
  assert.is(ra.chain[2], rb.chain[2], 'the anchor object is shared');
  assert.is.not(ra.chain[2], rc.chain[2], 'cache: false parses its own');
});

test('CA bytes changed in place after a verifier was made: the new content is used', () => {
  const { root, inter, leaf } = pki('b');
  const buf = Uint8Array.from(root.der);
  const ctx = { chain: [leaf.der, inter.der], serverName: 'broker.example.com' };
  const first = createChainVerifier({ trusted: buf, clock });
  assert.ok(first(ctx).ok);
  // Same object, one byte of the root's public key changed: the intermediate no longer verifies.
  const spki = parseCertificate(root.der).spki;
  const at = spki.byteOffset - root.der.byteOffset + spki.length - 3;
  buf[at]! ^= 0x01;
  const second = createChainVerifier({ trusted: buf, clock });
  assert.is(second(ctx).ok, false);
  // The first verifier parsed a private copy: mutating the caller's buffer did not change it.
  assert.ok(first(ctx).ok);
  buf[at]! ^= 0x01;
  assert.ok(createChainVerifier({ trusted: buf, clock })(ctx).ok);
});

test('signature memo: a reconnect skips ECDSA, a changed byte does not, other checks still run', () => {
  const { root, inter, leaf } = pki('c');
  const counting = countingEcdsa();
  const mk = () => createChainVerifier({ trusted: root.pem, clock, provider: counting.provider });
  assert.ok(mk()({ chain: [leaf.der, inter.der], serverName: 'broker.example.com' }).ok);
  assert.is(counting.count(), 2, 'leaf and intermediate signatures verified');
  assert.ok(mk()({ chain: [leaf.der, inter.der], serverName: 'broker.example.com' }).ok);
  assert.is(counting.count(), 2, 'reconnect: verdicts remembered');
  // Name and time are checked every time.
  const wrongName = mk()({ chain: [leaf.der, inter.der], serverName: 'other.example.com' });
  assert.equal(wrongName.ok ? 0 : wrongName.flags, 0x04);
  const late = createChainVerifier({ trusted: root.pem, clock: fixedClock(new Date(Date.now() + 4000 * 86400e3)), provider: counting.provider });
  const expired = late({ chain: [leaf.der, inter.der], serverName: 'broker.example.com' });
  assert.is(expired.ok, false);
  // A tampered signature is different bytes: verified (and refused), not answered from the memo.
  const bad = Uint8Array.from(leaf.der);
  bad[bad.length - 5]! ^= 0x01;
  const before = counting.count();
  const r = mk()({ chain: [bad, inter.der], serverName: 'broker.example.com' });
  assert.is(r.ok, false);
  assert.ok(counting.count() > before);
});

test('SignatureMemo: exact-bytes keys, bounded', () => {
  const { root, inter, leaf } = pki('d');
  const [r, i, l] = [root.der, inter.der, leaf.der].map(parseCertificate) as [ReturnType<typeof parseCertificate>, ReturnType<typeof parseCertificate>, ReturnType<typeof parseCertificate>];
  const memo = new SignatureMemo(2);
  memo.set(l, i, true);
  assert.is(memo.get(l, i), true);
  assert.is(memo.get(l, r), undefined, 'other issuer key');
  memo.set(i, r, true);
  memo.set(l, r, false);
  assert.is(memo.get(l, i), undefined, 'evicted (least recently used)');
  assert.is(memo.get(l, r), false);
});

test.run();
