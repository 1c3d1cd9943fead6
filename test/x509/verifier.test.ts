import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createChainVerifier } from '../../src/x509/verifier.js';
import { fixedClock } from '../../src/time/clock.js';
import { EXT, issue } from '../helpers/chains.js';

const clock = fixedClock(new Date(Date.now() + 3600e3));

function pki() {
  const root = issue({ name: 'hv-root', key: 'p256', subject: '/CN=HV Root', ext: EXT.root });
  const inter = issue({ name: 'hv-inter', key: 'p256', subject: '/CN=HV Inter', issuer: root, ext: EXT.intermediate });
  const leaf = issue({ name: 'hv-leaf', key: 'rsa2048', subject: '/CN=broker.example.com', issuer: inter, ext: EXT.server('DNS:broker.example.com,IP:127.0.0.1') });
  return { root, inter, leaf };
}

test('hook for the TLS engine: ok with the chain, or code, flags, reason and the Mbed TLS alert', () => {
  const { root, inter, leaf } = pki();
  const verify = createChainVerifier({ trusted: root.pem + 'junk\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', clock });
  assert.is(verify.rejectedTrusted.length, 1);
  const good = verify({ chain: [leaf.der, inter.der], serverName: '127.0.0.1' });
  assert.ok(good.ok);
  const wrongHost = verify({ chain: [leaf.der, inter.der], serverName: 'other.example.com' });
  assert.equal(wrongHost.ok ? undefined : [wrongHost.code, wrongHost.flags, wrongHost.alert], [-0x2700, 0x04, 'bad_certificate']);
  const missing = verify({ chain: [leaf.der], serverName: 'broker.example.com' });
  assert.equal(missing.ok ? undefined : [missing.flags, missing.alert], [0x08, 'unknown_ca']);
  // The NOT_TRUSTED reason tells which CA to load (manual section 4).
  assert.match(missing.ok ? '' : missing.reason, /HV Inter/);
  const empty = verify({ chain: [], serverName: 'broker.example.com' });
  assert.is(empty.ok, false);
});

test('expired: certificate_expired', () => {
  const { root, inter, leaf } = pki();
  const verify = createChainVerifier({ trusted: root.der, clock: fixedClock(new Date(Date.now() + 4000 * 86400e3)) });
  const r = verify({ chain: [leaf.der, inter.der], serverName: 'broker.example.com' });
  assert.equal(r.ok ? undefined : [r.flags, r.alert], [0x01, 'certificate_expired']);
});

test('an intermediate that does not parse is set aside, and the NOT_TRUSTED reason says why', () => {
  const { root, inter, leaf } = pki();
  const verify = createChainVerifier({ trusted: root.pem, clock });
  // The intermediate with its first extension made critical and unknown: MBEDTLS_ERR_X509_INVALID_EXTENSIONS.
  const broken = Uint8Array.from(inter.der);
  const at = indexOf(broken, [0x06, 0x03, 0x55, 0x1d, 0x13]); // basicConstraints OID
  broken[at + 4] = 0x7f; // 2.5.29.127: unknown, and the extension is critical
  const r = verify({ chain: [leaf.der, broken], serverName: 'broker.example.com' });
  assert.is(r.ok, false);
  assert.equal(r.ok ? undefined : r.flags, 0x08);
  assert.match(r.ok ? '' : r.reason, /intermediate set aside: .*unknown critical extension 2\.5\.29\.127/);
});

function indexOf(hay: Uint8Array, needle: number[]): number {
  for (let i = 0; i + needle.length <= hay.length; i++) if (needle.every((b, k) => hay[i + k] === b)) return i;
  throw new Error('not found');
}

test.run();
