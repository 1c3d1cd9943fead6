/**
 * Regression: the engine's verifier (createChainVerifier) took the certificates of
 * the TLS Certificate message through the CA-file loader, which also accepts PEM text. The
 * wire format is DER (RFC 5246 7.4.2); a "certificate" that is PEM text was verified as the
 * certificate inside it, so the bytes the application sees as the peer certificate
 * (peerCertificates) were not the certificate that was verified.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { utf8Encode } from '../../src/encoding/bytes.js';
import { createChainVerifier } from '../../src/x509/verifier.js';
import { fixedClock } from '../../src/time/clock.js';
import { createTestPki } from '../helpers/pki.js';
import { decodePem } from '../../src/encoding/pem.js';
import { issueCertificate } from '../../src/node/pki.js';

const clock = fixedClock(new Date(Date.now() + 3600e3));

test('the DER chain verifies (control)', () => {
  const pki = createTestPki();
  const v = createChainVerifier({ trusted: pki.caCertPem, clock, cache: false });
  const r = v({ chain: [decodePem(pki.certPem)[0]!.der], serverName: 'localhost' });
  assert.ok(r.ok, r.ok ? '' : r.reason);
});

test('a wire certificate that is PEM text is not accepted', () => {
  const pki = createTestPki();
  const v = createChainVerifier({ trusted: pki.caCertPem, clock, cache: false });
  let r: ReturnType<typeof v> | undefined;
  try {
    r = v({ chain: [utf8Encode(pki.certPem)], serverName: 'localhost' });
  } catch {
    r = undefined; // refusing by throwing is fine too (the engine turns it into a failure)
  }
  assert.ok(r === undefined || !r.ok, 'PEM leaf accepted');
});

test('a wire intermediate that is PEM text is not used to build the path', () => {
  const root = issueCertificate({ subject: [['CN', 'Wire Root']], ca: true, keyUsage: ['keyCertSign'] });
  const inter = issueCertificate({ subject: [['CN', 'Wire Intermediate']], issuer: root, ca: true, keyUsage: ['keyCertSign'] });
  const leaf = issueCertificate({ subject: [['CN', 'mqtt.example.com']], issuer: inter, dnsNames: ['mqtt.example.com'] });
  const v = createChainVerifier({ trusted: root.certDer, clock, cache: false });
  const good = v({ chain: [leaf.certDer, inter.certDer], serverName: 'mqtt.example.com' });
  assert.ok(good.ok, good.ok ? '' : good.reason);
  const pem = v({ chain: [leaf.certDer, utf8Encode(inter.certPem)], serverName: 'mqtt.example.com' });
  assert.not.ok(pem.ok, 'an intermediate sent as PEM text completed the path');
});

test.run();
