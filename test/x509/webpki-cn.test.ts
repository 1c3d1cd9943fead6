/**
 * CA/Browser Forum BR 7.1.4.3: a subject CN, when present, must be one of the subjectAltName
 * values (a DNS name byte for byte, or an IP address in its canonical text). WEBPKI_POLICY
 * refuses the x509-limbo webpki::cn::* cases; the device policy keeps the manual's CN
 * behaviour (the CN is consulted only without a SAN, so a stray CN is harmless there).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { verifyChain } from '../../src/x509/verify.js';
import { DEFAULT_POLICY, WEBPKI_POLICY, type VerifyPolicy } from '../../src/x509/policy.js';
import { EXT, issue } from '../helpers/chains.js';

interface LimboCase {
  id: string; trusted_certs: string[]; untrusted_intermediates: string[]; peer_certificate: string;
  validation_time: string | null; expected_peer_name: { value: string } | null; expected_result: string;
}
const limbo = JSON.parse(readFileSync(new URL('../vectors/x509-limbo/limbo.json', import.meta.url), 'utf8')) as { testcases: LimboCase[] };
const CN_CASES = limbo.testcases.filter((c) => c.id.startsWith('webpki::cn::'));

function verdict(c: LimboCase, policy: VerifyPolicy) {
  return verifyChain({
    peer: c.peer_certificate, intermediates: c.untrusted_intermediates, trusted: c.trusted_certs,
    time: c.validation_time ? new Date(c.validation_time) : new Date('2025-01-01T00:00:00Z'),
    ...(c.expected_peer_name ? { serverName: c.expected_peer_name.value } : {}),
    usage: 'serverAuth', policy,
  });
}

test('the nine webpki::cn::* cases are refused under WEBPKI_POLICY, naming the CN', () => {
  assert.is(CN_CASES.length, 9);
  for (const c of CN_CASES) {
    assert.is(c.expected_result, 'FAILURE');
    const r = verdict(c, WEBPKI_POLICY);
    assert.not.ok(r.ok, `${c.id} accepted`);
    if (!r.ok) assert.match(r.reason, /CN/, c.id);
  }
});

test('the device policy keeps the manual\'s behaviour: the same chains verify (the name is in the SAN)', () => {
  for (const c of CN_CASES) assert.ok(verdict(c, DEFAULT_POLICY).ok, c.id);
});

test('a CN that is one of the SAN entries (DNS or IP) is accepted under WEBPKI_POLICY', () => {
  const ca = issue({ name: 'webpki-cn-root', key: 'p256', subject: '/CN=WebPKI CN Root', ext: EXT.root });
  for (const [name, cn, san] of [['webpki-cn-dns', 'www.example.com', 'DNS:example.com,DNS:www.example.com'], ['webpki-cn-ip', '10.0.0.1', 'DNS:example.com,IP:10.0.0.1']] as const) {
    const leaf = issue({ name, key: 'p256', subject: `/CN=${cn}`, issuer: ca, ext: EXT.server(san) });
    const r = verifyChain({ peer: leaf.pem, trusted: [ca.pem], serverName: 'example.com', policy: WEBPKI_POLICY });
    assert.ok(r.ok, `${cn}: ${r.ok ? '' : r.reason}`);
    const other = issue({ name: `${name}-not`, key: 'p256', subject: '/CN=other.example.com', issuer: ca, ext: EXT.server(san) });
    assert.not.ok(verifyChain({ peer: other.pem, trusted: [ca.pem], serverName: 'example.com', policy: WEBPKI_POLICY }).ok, `${name}: CN not in SAN`);
  }
});

test.run();
