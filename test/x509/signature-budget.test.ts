/**
 * Verification CPU before authentication: a server (or the CA file) can offer many CA
 * certificates with the issuer's name, and each costs a signature check. The candidate cap
 * alone let 48 of them cost 48 checks (~0.7 s for P-521 decoys here, minutes on a device);
 * the total of new signature checks per verification is bounded (MAX_SIGNATURE_CHECKS).
 * Counted through the counting provider wrapped around node:crypto's ECDSA.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { completeProvider, createCountingProvider } from '../../hw/index.js';
import { createNodeProvider } from '../../hw/node.js';
import { issueCertificate, type Issued } from '../../src/node/pki.js';
import { MAX_SIGNATURE_CHECKS, verifyChain } from '../../src/x509/verify.js';

const NAME: [string, string][] = [['CN', 'Same Name Root'], ['O', 'Decoys']];
const root = issueCertificate({ subject: NAME, ca: true, keyUsage: ['keyCertSign'], key: { type: 'ec', curve: 'P-256' } });
const leaf = issueCertificate({ subject: [['CN', 'mqtt.example.com']], issuer: root, dnsNames: ['mqtt.example.com'], key: { type: 'ec', curve: 'P-256' } });
const decoys: Issued[] = Array.from({ length: 150 }, () => issueCertificate({ subject: NAME, ca: true, keyUsage: ['keyCertSign'], key: { type: 'ec', curve: 'P-256' } }));

function run(opts: { trusted: Uint8Array[]; intermediates?: Uint8Array[] }) {
  const counting = createCountingProvider(createNodeProvider());
  const r = verifyChain({ peer: leaf.certDer, trusted: opts.trusted, intermediates: opts.intermediates ?? [], serverName: 'mqtt.example.com', provider: completeProvider(counting.provider) });
  const pk = counting.counts().publicKey;
  return { r, checks: pk.ecdsaVerify.calls + pk.ecdsaVerifyMessage.calls + pk.rsaPublic.calls };
}

test('the bound is small enough for a device', () => {
  assert.ok(MAX_SIGNATURE_CHECKS >= 4 && MAX_SIGNATURE_CHECKS <= 12, `${MAX_SIGNATURE_CHECKS}`);
});

test('150 same-name decoy CAs in the trust store: at most MAX_SIGNATURE_CHECKS checks, then a clear refusal', () => {
  const { r, checks } = run({ trusted: [...decoys.map((d) => d.certDer), root.certDer] });
  assert.ok(checks <= MAX_SIGNATURE_CHECKS, `${checks} signature checks`);
  assert.is(r.ok, false);
  if (!r.ok) {
    assert.ok(r.flagNames.includes('BADCERT_NOT_TRUSTED'), r.flagNames.join('|'));
    assert.match(r.reason, new RegExp(`more than ${MAX_SIGNATURE_CHECKS} signature checks`));
  }
});

test('150 same-name decoy intermediates sent by the server: bounded the same way', () => {
  const other = issueCertificate({ subject: [['CN', 'Unrelated Root']], ca: true, keyUsage: ['keyCertSign'], key: { type: 'ec', curve: 'P-256' } });
  const { r, checks } = run({ trusted: [other.certDer], intermediates: decoys.map((d) => d.certDer) });
  assert.ok(checks <= MAX_SIGNATURE_CHECKS, `${checks} signature checks`);
  assert.is(r.ok, false);
});

test('a few same-name CAs (old and new root in one CA file) still verify (control)', () => {
  const { r, checks } = run({ trusted: [decoys[0]!.certDer, decoys[1]!.certDer, root.certDer] });
  assert.ok(r.ok, r.ok ? '' : r.reason);
  assert.ok(checks <= 3, `${checks} checks`);
});

test.run();
