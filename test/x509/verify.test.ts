import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { verifyChain, type VerifyOptions, type VerifyResult } from '../../src/x509/verify.js';
import { VERIFY_FLAGS, flagNames } from '../../src/x509/flags.js';
import { parseCertificates } from '../../src/x509/certificate.js';
import { fixedClock, settableClock } from '../../src/time/clock.js';
import { MicroTlsError } from '../../src/errors.js';
import { EXT, issue, type KeySpec } from '../helpers/chains.js';

const F = VERIFY_FLAGS;
// An hour ahead: certificates made during the run start "now", after this module loaded.
const NOW = new Date(Date.now() + 3600e3);
const DAY = 86400e3;

function verify(o: Partial<VerifyOptions> & Pick<VerifyOptions, 'peer' | 'trusted'>): VerifyResult {
  return verifyChain({ time: NOW, serverName: 'mqtt.example.com', ...o });
}

function expectFlags(r: VerifyResult, flags: number, reasonPart?: RegExp): void {
  if (r.ok) throw new assert.Assertion({ message: `expected failure with ${flagNames(flags).join('|')}, got success`, operator: 'flags' } as never);
  assert.is(r.code, -0x2700);
  assert.equal(flagNames(r.flags), flagNames(flags), r.reason);
  if (reasonPart) assert.match(r.reason, reasonPart);
}

function ok(r: VerifyResult, length?: number): void {
  assert.ok(r.ok, r.ok ? '' : `${r.flagNames.join('|')}: ${r.reason}`);
  if (length !== undefined && r.ok) assert.is(r.chain.length, length);
}

/** root -> intermediate -> leaf with the given key types. */
function chain(tag: string, keys: { root: KeySpec; inter: KeySpec; leaf: KeySpec }, leafExt = EXT.server('DNS:mqtt.example.com')) {
  const root = issue({ name: `${tag}-root`, key: keys.root, subject: `/CN=${tag} Root/O=Example`, ext: EXT.root });
  const inter = issue({ name: `${tag}-inter`, key: keys.inter, subject: `/CN=${tag} Intermediate/O=Example`, issuer: root, ext: EXT.intermediate });
  const leaf = issue({ name: `${tag}-leaf`, key: keys.leaf, subject: '/CN=mqtt.example.com', issuer: inter, ext: leafExt });
  return { root, inter, leaf };
}

const rsa = () => chain('rsa', { root: 'rsa2048', inter: 'rsa2048', leaf: 'rsa2048' });

for (const [tag, root, inter] of [
  ['rsa2048', 'rsa2048', 'rsa2048'], ['rsa3072', 'rsa3072', 'rsa3072'], ['rsa4096', 'rsa4096', 'rsa2048'],
  ['p256', 'p256', 'p256'], ['p384', 'p384', 'p384'], ['p521', 'p521', 'p521'],
] as const) {
  test(`valid chain, ${tag} CA`, () => {
    const c = chain(tag, { root, inter, leaf: 'rsa2048' });
    const r = verify({ peer: c.leaf.pem, intermediates: [c.inter.pem], trusted: [c.root.pem] });
    ok(r, 3);
    if (r.ok) assert.equal(r.chain.map((x) => x.subject.toString()), ['CN=mqtt.example.com', `CN=${tag} Intermediate, O=Example`, `CN=${tag} Root, O=Example`]);
  });
}

test('missing intermediate: NOT_TRUSTED, and the same chain fails against an unrelated root', () => {
  const c = rsa();
  expectFlags(verify({ peer: c.leaf.pem, trusted: [c.root.pem] }), F.BADCERT_NOT_TRUSTED, /rsa Intermediate/);
  const other = chain('other', { root: 'p256', inter: 'p256', leaf: 'p256' });
  expectFlags(verify({ peer: c.leaf.pem, intermediates: [c.inter.pem], trusted: [other.root.pem] }), F.BADCERT_NOT_TRUSTED);
});

test('partial chain: the intermediate alone is a trust anchor (manual section 4)', () => {
  const c = rsa();
  ok(verify({ peer: c.leaf.pem, trusted: [c.inter.pem] }), 2);
  ok(verify({ peer: c.leaf.pem, intermediates: [c.inter.pem, c.root.pem], trusted: [c.inter.pem] }), 2);
});

test('an expired trusted intermediate fails; its renewal presented by the server leads to the root', () => {
  const root = issue({ name: 'long-root', key: 'p256', subject: '/CN=Long Root', ext: EXT.root, days: 3650 });
  const inter = issue({ name: 'short-inter', key: 'p256', subject: '/CN=Short Inter', issuer: root, ext: EXT.intermediate, days: 10 });
  const leaf = issue({ name: 'under-short-inter', key: 'p256', subject: '/CN=mqtt.example.com', issuer: inter, ext: EXT.server('DNS:mqtt.example.com'), days: 5 });
  const at = new Date(NOW.getTime() + 4 * DAY);
  ok(verify({ peer: leaf.pem, trusted: [inter.pem, root.pem], time: at }), 2);
  // Renewed intermediate (same name and key, longer validity) presented by the server: the path goes through it.
  const renewed = issue({ name: 'short-inter-renewed', key: 'p256', subject: '/CN=Short Inter', issuer: root, ext: EXT.intermediate, days: 100, reuseKeyOf: inter });
  const later = new Date(NOW.getTime() + 20 * DAY);
  const leaf2 = issue({ name: 'under-renewed', key: 'p256', subject: '/CN=mqtt.example.com', issuer: inter, ext: EXT.server('DNS:mqtt.example.com'), days: 50 });
  expectFlags(verify({ peer: leaf2.pem, trusted: [inter.pem], time: later }), F.BADCERT_EXPIRED, /Short Inter/);
  ok(verify({ peer: leaf2.pem, intermediates: [renewed.pem], trusted: [inter.pem, root.pem], time: later }), 3);
});

test('presented order does not matter; DER, PEM bundle and parsed inputs are all accepted', () => {
  const c = rsa();
  ok(verify({ peer: c.leaf.der, intermediates: [c.root.der, c.inter.der], trusted: c.root.der }), 3);
  ok(verify({ peer: c.leaf.pem + c.inter.pem, trusted: c.root.pem }), 3);
  ok(verify({ peer: parseCertificates(c.leaf.pem)[0]!, intermediates: c.root.pem + c.inter.pem, trusted: parseCertificates(c.root.pem) }), 3);
});

test('validity: expired and not yet valid, for the leaf and for the anchor', () => {
  const c = rsa();
  const base = { peer: c.leaf.pem, intermediates: [c.inter.pem], trusted: [c.root.pem] };
  expectFlags(verify({ ...base, time: new Date(NOW.getTime() + 4000 * DAY) }), F.BADCERT_EXPIRED);
  expectFlags(verify({ ...base, time: new Date(NOW.getTime() - 2 * DAY) }), F.BADCERT_FUTURE);
  const shortRoot = issue({ name: 'short-root', key: 'p256', subject: '/CN=Short Root', ext: EXT.root, days: 30 });
  const leaf = issue({ name: 'short-root-leaf', key: 'rsa2048', subject: '/CN=mqtt.example.com', issuer: shortRoot, ext: EXT.server('DNS:mqtt.example.com'), days: 365 });
  ok(verify({ peer: leaf.pem, trusted: shortRoot.pem }));
  expectFlags(verify({ peer: leaf.pem, trusted: shortRoot.pem, time: new Date(NOW.getTime() + 60 * DAY) }), F.BADCERT_EXPIRED, /Short Root/);
});

test('time comes from the injected clock; an unset clock refuses to verify', () => {
  const c = rsa();
  const base = { peer: c.leaf.pem, intermediates: [c.inter.pem], trusted: [c.root.pem], serverName: 'mqtt.example.com' };
  ok(verifyChain({ ...base, clock: fixedClock(NOW) }));
  expectFlags(verifyChain({ ...base, clock: fixedClock(new Date(NOW.getTime() + 4000 * DAY)) }), F.BADCERT_EXPIRED);
  const clock = settableClock();
  assert.throws(() => verifyChain({ ...base, clock }), (e: unknown) => e instanceof MicroTlsError && /clock is not set/.test(e.message));
  clock.set(NOW);
  ok(verifyChain({ ...base, clock }));
});

test('host names: wrong host, IP SAN (v4, v6), wildcard, CN-only', () => {
  const c = rsa();
  expectFlags(verify({ peer: c.leaf.pem, intermediates: [c.inter.pem], trusted: [c.root.pem], serverName: 'other.example.com' }), F.BADCERT_CN_MISMATCH);
  const root = c.root;
  const ip = issue({ name: 'ip-leaf', key: 'rsa2048', subject: '/CN=broker', issuer: root, ext: EXT.server('IP:192.168.1.10,IP:2001:db8::1') });
  ok(verify({ peer: ip.pem, trusted: root.pem, serverName: '192.168.1.10' }));
  ok(verify({ peer: ip.pem, trusted: root.pem, serverName: '2001:DB8:0::1' }));
  expectFlags(verify({ peer: ip.pem, trusted: root.pem, serverName: '192.168.1.11' }), F.BADCERT_CN_MISMATCH);
  expectFlags(verify({ peer: ip.pem, trusted: root.pem, serverName: 'broker' }), F.BADCERT_CN_MISMATCH);
  const wild = issue({ name: 'wild-leaf', key: 'rsa2048', subject: '/CN=wild', issuer: root, ext: EXT.server('DNS:*.example.com') });
  ok(verify({ peer: wild.pem, trusted: root.pem, serverName: 'mqtt.example.com' }));
  expectFlags(verify({ peer: wild.pem, trusted: root.pem, serverName: 'example.com' }), F.BADCERT_CN_MISMATCH);
  expectFlags(verify({ peer: wild.pem, trusted: root.pem, serverName: 'a.mqtt.example.com' }), F.BADCERT_CN_MISMATCH);
  const cnOnly = issue({ name: 'cn-only-leaf', key: 'rsa2048', subject: '/CN=192.168.1.20/O=Example', issuer: root, ext: ['basicConstraints=CA:FALSE'] });
  ok(verify({ peer: cnOnly.pem, trusted: root.pem, serverName: '192.168.1.20' }));
  expectFlags(verify({ peer: cnOnly.pem, trusted: root.pem, serverName: '192.168.1.21' }), F.BADCERT_CN_MISMATCH);
  expectFlags(verify({ peer: cnOnly.pem, trusted: root.pem, serverName: '192.168.1.20', policy: { allowCnFallback: false } }), F.BADCERT_CN_MISMATCH);
  // A SAN without the name wins over a matching CN (manual section 3 applies to CN-only certificates).
  const sanWins = issue({ name: 'san-wins-leaf', key: 'rsa2048', subject: '/CN=mqtt.example.com', issuer: root, ext: EXT.server('DNS:other.example.com') });
  expectFlags(verify({ peer: sanWins.pem, trusted: root.pem }), F.BADCERT_CN_MISMATCH);
});

test('SHA-1 signatures: BAD_MD by default (Mbed TLS default profile), accepted when the policy allows', () => {
  for (const key of ['rsa2048', 'p256'] as const) {
    const root = issue({ name: `sha1-root-${key}`, key, subject: `/CN=SHA1 Root ${key}`, ext: EXT.root, md: 'sha1' });
    const leaf = issue({ name: `sha1-leaf-${key}`, key: 'rsa2048', subject: '/CN=mqtt.example.com', issuer: root, ext: EXT.server('DNS:mqtt.example.com'), md: 'sha1' });
    expectFlags(verify({ peer: leaf.pem, trusted: root.pem }), F.BADCERT_BAD_MD, /sha1|SHA1/);
    ok(verify({ peer: leaf.pem, trusted: root.pem, policy: { allowedHashes: ['sha1', 'sha256'] } }));
  }
  // The anchor's own SHA-1 self-signature is never checked.
  const root = issue({ name: 'sha1-root-rsa2048', key: 'rsa2048', subject: '/CN=SHA1 Root rsa2048', ext: EXT.root, md: 'sha1' });
  const leaf = issue({ name: 'sha256-under-sha1-root', key: 'rsa2048', subject: '/CN=mqtt.example.com', issuer: root, ext: EXT.server('DNS:mqtt.example.com') });
  ok(verify({ peer: leaf.pem, trusted: root.pem }));
});

test('MD5 signatures parse but are always BAD_MD', () => {
  const root = issue({ name: 'md5-root', key: 'rsa2048', subject: '/CN=MD5 Root', ext: EXT.root });
  const leaf = issue({ name: 'md5-leaf', key: 'rsa2048', subject: '/CN=mqtt.example.com', issuer: root, ext: EXT.server('DNS:mqtt.example.com'), md: 'md5' });
  assert.is(parseCertificates(leaf.pem)[0]!.signatureAlgorithm.name, 'md5WithRSAEncryption');
  expectFlags(verify({ peer: leaf.pem, trusted: root.pem }), F.BADCERT_BAD_MD, /md5/);
  expectFlags(verify({ peer: leaf.pem, trusted: root.pem, policy: { allowedHashes: ['sha1', 'sha256'] } }), F.BADCERT_BAD_MD);
});

test('bad inputs are refused, not silently accepted', () => {
  const c = rsa();
  const base = { peer: c.leaf.pem, intermediates: [c.inter.pem], trusted: [c.root.pem] };
  assert.throws(() => verify({ ...base, time: new Date('not a date') }), /invalid Date/);
  assert.throws(() => verify({ ...base, maxDepth: -1 }), /maxDepth/);
  expectFlags(verify({ ...base, serverName: '' }), F.BADCERT_CN_MISMATCH);
  expectFlags(verify({ ...base, serverName: 'foo_bar.example.com' }), F.BADCERT_CN_MISMATCH, /neither a DNS name nor an IP/);
});

test('every signature is checked: a leaf not signed by the intermediate it presents', () => {
  const c = rsa();
  // Same intermediate name, different key: the leaf's issuer name matches but the signature does not.
  const impostor = issue({ name: 'impostor-inter', key: 'rsa2048', subject: '/CN=rsa Intermediate/O=Example', issuer: c.root, ext: EXT.intermediate });
  expectFlags(verify({ peer: c.leaf.pem, intermediates: [impostor.pem], trusted: [c.root.pem] }), F.BADCERT_NOT_TRUSTED, /signature/);
  // With both presented, path building backtracks to the right one.
  ok(verify({ peer: c.leaf.pem, intermediates: [impostor.pem, c.inter.pem], trusted: [c.root.pem] }), 3);
  const forged = issue({ name: 'forged-leaf', key: 'rsa2048', subject: '/CN=mqtt.example.com', issuer: impostor, ext: EXT.server('DNS:mqtt.example.com') });
  expectFlags(verify({ peer: forged.pem, intermediates: [c.inter.pem], trusted: [c.root.pem] }), F.BADCERT_NOT_TRUSTED, /signature/);
});

test('an intermediate without cA:TRUE cannot issue (node-forge CVE-2026-33896)', () => {
  const c = rsa();
  const notCa = issue({ name: 'not-ca-inter', key: 'rsa2048', subject: '/CN=Not A CA', issuer: c.root, ext: ['basicConstraints=critical,CA:FALSE', 'keyUsage=critical,keyCertSign,digitalSignature'] });
  const leaf = issue({ name: 'under-not-ca', key: 'rsa2048', subject: '/CN=mqtt.example.com', issuer: notCa, ext: EXT.server('DNS:mqtt.example.com') });
  expectFlags(verify({ peer: leaf.pem, intermediates: [notCa.pem], trusted: [c.root.pem] }), F.BADCERT_NOT_TRUSTED, /not a CA/);
  const noBc = issue({ name: 'no-bc-inter', key: 'rsa2048', subject: '/CN=No BC', issuer: c.root, ext: ['keyUsage=critical,keyCertSign'] });
  const leaf2 = issue({ name: 'under-no-bc', key: 'rsa2048', subject: '/CN=mqtt.example.com', issuer: noBc, ext: EXT.server('DNS:mqtt.example.com') });
  expectFlags(verify({ peer: leaf2.pem, intermediates: [noBc.pem], trusted: [c.root.pem] }), F.BADCERT_NOT_TRUSTED, /not a CA/);
});

test('pathLenConstraint: pathlen:0 intermediate cannot have a CA below it', () => {
  const c = rsa(); // c.inter has pathlen:0
  const sub = issue({ name: 'sub-inter', key: 'rsa2048', subject: '/CN=Sub CA', issuer: c.inter, ext: EXT.intermediate });
  const leaf = issue({ name: 'under-sub', key: 'rsa2048', subject: '/CN=mqtt.example.com', issuer: sub, ext: EXT.server('DNS:mqtt.example.com') });
  expectFlags(verify({ peer: leaf.pem, intermediates: [sub.pem, c.inter.pem], trusted: [c.root.pem] }), F.BADCERT_NOT_TRUSTED, /pathLenConstraint 0/);
  // Anchoring at the sub-CA leaves pathlen of the upper CA out of the path.
  ok(verify({ peer: leaf.pem, trusted: [sub.pem] }), 2);
  // maxDepth counts intermediates.
  const root1 = issue({ name: 'pl1-root', key: 'p256', subject: '/CN=PL1 Root', ext: ['basicConstraints=critical,CA:TRUE,pathlen:1', 'keyUsage=critical,keyCertSign'] });
  const i1 = issue({ name: 'pl1-i1', key: 'p256', subject: '/CN=PL1 I1', issuer: root1, ext: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign'] });
  const i2 = issue({ name: 'pl1-i2', key: 'p256', subject: '/CN=PL1 I2', issuer: i1, ext: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign'] });
  const l1 = issue({ name: 'pl1-leaf1', key: 'p256', subject: '/CN=mqtt.example.com', issuer: i1, ext: EXT.server('DNS:mqtt.example.com') });
  const l2 = issue({ name: 'pl1-leaf2', key: 'p256', subject: '/CN=mqtt.example.com', issuer: i2, ext: EXT.server('DNS:mqtt.example.com') });
  ok(verify({ peer: l1.pem, intermediates: [i1.pem], trusted: root1.pem }));
  expectFlags(verify({ peer: l2.pem, intermediates: [i1.pem, i2.pem], trusted: root1.pem }), F.BADCERT_NOT_TRUSTED, /pathLenConstraint 1/);
  expectFlags(verify({ peer: l1.pem, intermediates: [i1.pem], trusted: root1.pem, maxDepth: 0 }), F.BADCERT_NOT_TRUSTED, /maximum depth/);
});

test('keyUsage without keyCertSign on the issuer', () => {
  const c = rsa();
  const noSign = issue({ name: 'ku-no-certsign', key: 'rsa2048', subject: '/CN=KU CA', issuer: c.root, ext: ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,digitalSignature,cRLSign'] });
  const leaf = issue({ name: 'under-ku-no-certsign', key: 'rsa2048', subject: '/CN=mqtt.example.com', issuer: noSign, ext: EXT.server('DNS:mqtt.example.com') });
  expectFlags(verify({ peer: leaf.pem, intermediates: [noSign.pem], trusted: [c.root.pem] }), F.BADCERT_NOT_TRUSTED, /keyCertSign/);
});

test('extKeyUsage: a clientAuth-only leaf is refused as a server, accepted as a client', () => {
  const c = rsa();
  const client = issue({ name: 'client-only', key: 'rsa2048', subject: '/CN=mqtt.example.com', issuer: c.inter, ext: ['basicConstraints=CA:FALSE', 'extendedKeyUsage=clientAuth', 'subjectAltName=DNS:mqtt.example.com'] });
  expectFlags(verify({ peer: client.pem, intermediates: [c.inter.pem], trusted: [c.root.pem] }), F.BADCERT_EXT_KEY_USAGE);
  ok(verify({ peer: client.pem, intermediates: [c.inter.pem], trusted: [c.root.pem], usage: 'clientAuth' }));
  expectFlags(verify({ peer: c.leaf.pem, intermediates: [c.inter.pem], trusted: [c.root.pem], usage: 'clientAuth' }), F.BADCERT_EXT_KEY_USAGE);
});

test('a 1024-bit server key is refused (manual section 1), unless the policy allows it', () => {
  const c = rsa();
  const weak = issue({ name: 'weak-leaf', key: 'rsa1024', subject: '/CN=mqtt.example.com', issuer: c.inter, ext: EXT.server('DNS:mqtt.example.com') });
  expectFlags(verify({ peer: weak.pem, intermediates: [c.inter.pem], trusted: [c.root.pem] }), F.BADCERT_BAD_KEY, /1024-bit/);
  ok(verify({ peer: weak.pem, intermediates: [c.inter.pem], trusted: [c.root.pem], policy: { minRsaBits: 1024 } }));
});

test('several problems are reported together, as Mbed TLS flags', () => {
  const c = rsa();
  expectFlags(
    verify({ peer: c.leaf.pem, intermediates: [c.inter.pem], trusted: [c.root.pem], serverName: 'wrong.example.com', time: new Date(NOW.getTime() + 4000 * DAY) }),
    F.BADCERT_EXPIRED | F.BADCERT_CN_MISMATCH,
  );
  const other = chain('other', { root: 'p256', inter: 'p256', leaf: 'p256' });
  expectFlags(verify({ peer: c.leaf.pem, trusted: [other.root.pem], serverName: 'wrong.example.com' }), F.BADCERT_NOT_TRUSTED | F.BADCERT_CN_MISMATCH);
});

test('name constraints from the CA apply to the leaf', () => {
  const root = issue({ name: 'nc-root', key: 'p256', subject: '/CN=NC Root', ext: [...EXT.root, 'nameConstraints=critical,permitted;DNS:example.com,excluded;DNS:secret.example.com,permitted;IP:192.168.0.0/255.255.0.0'] });
  const good = issue({ name: 'nc-good', key: 'p256', subject: '/CN=mqtt.example.com', issuer: root, ext: EXT.server('DNS:mqtt.example.com,IP:192.168.1.1') });
  const out = issue({ name: 'nc-out', key: 'p256', subject: '/CN=mqtt.example.org', issuer: root, ext: EXT.server('DNS:mqtt.example.org') });
  const excl = issue({ name: 'nc-excluded', key: 'p256', subject: '/CN=a.secret.example.com', issuer: root, ext: EXT.server('DNS:a.secret.example.com') });
  const ipOut = issue({ name: 'nc-ip-out', key: 'p256', subject: '/CN=x', issuer: root, ext: EXT.server('IP:10.0.0.1') });
  ok(verify({ peer: good.pem, trusted: root.pem }));
  expectFlags(verify({ peer: out.pem, trusted: root.pem, serverName: 'mqtt.example.org' }), F.BADCERT_OTHER, /outside the permitted/);
  expectFlags(verify({ peer: excl.pem, trusted: root.pem, serverName: 'a.secret.example.com' }), F.BADCERT_OTHER, /excluded/);
  expectFlags(verify({ peer: ipOut.pem, trusted: root.pem, serverName: '10.0.0.1' }), F.BADCERT_OTHER, /10\.0\.0\.1/);
});

test('unparseable trusted or presented certificates are set aside and reported', () => {
  const c = rsa();
  const r = verify({ peer: c.leaf.pem, intermediates: ['garbage', c.inter.pem], trusted: [c.root.pem, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'] });
  ok(r, 3);
  assert.is(r.ignored.length, 2);
  assert.throws(() => verify({ peer: 'garbage', trusted: [c.root.pem] }), (e: unknown) => e instanceof MicroTlsError && e.code === -0x2180);
});

test('a self-signed leaf pinned as trusted is accepted; a CA-issued leaf pinned alone is not', () => {
  const self = issue({ name: 'self-leaf', key: 'p256', subject: '/CN=mqtt.example.com', ext: EXT.server('DNS:mqtt.example.com') });
  ok(verify({ peer: self.pem, trusted: self.pem }), 1);
  const c = rsa();
  expectFlags(verify({ peer: c.leaf.pem, trusted: c.leaf.pem }), F.BADCERT_NOT_TRUSTED);
});

test.run();
