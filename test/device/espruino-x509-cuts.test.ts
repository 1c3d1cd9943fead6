/**
 * What the Espruino bundle leaves out of X.509 verification, inside the real Espruino 2v29
 * binary: RFC 5280 name constraints (src/device/absent-x509-name-constraints.ts) and the
 * webPki policy (src/device/absent-x509-webpki.ts). Each must fail closed: a chain through a
 * CA with nameConstraints is refused even where the Node build accepts it, and asking for
 * webPki is an error, never a verification with fewer rules.
 * Needs ../shared/engines/espruino (or ESPRUINO=); skipped with one counted line otherwise.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EXT, issue } from '../helpers/chains.js';
import { enginePath, engineMissing } from '../helpers/engines.js';
import { eventOf, runInEspruino, startSServer } from '../helpers/espruino.js';
import { verifyChain } from '../../src/x509/verify.js';
import { errorCode } from '../../src/errors.js';

const HAVE_ENGINE = enginePath('espruino') !== undefined;

/** A root, two intermediates with nameConstraints (critical, not) permitting example.com, and a leaf inside it below each. */
function pki() {
  const root = issue({ name: 'cuts-root', key: 'rsa2048', subject: '/CN=Cuts Root', ext: EXT.root });
  const inter = (critical: boolean) => issue({
    name: `cuts-inter-${critical ? 'crit' : 'noncrit'}`, key: 'rsa2048', subject: `/CN=Cuts NC ${critical ? 'critical' : 'non-critical'}`, issuer: root,
    ext: [...EXT.intermediate, `nameConstraints=${critical ? 'critical,' : ''}permitted;DNS:example.com`],
  });
  const crit = inter(true);
  const noncrit = inter(false);
  const leaf = (issuer: typeof crit) => issue({ name: `${issuer.name}-leaf`, key: 'rsa2048', subject: '/CN=mqtt.example.com', issuer, ext: EXT.server('DNS:mqtt.example.com') });
  return { root, crit, noncrit, critLeaf: leaf(crit), noncritLeaf: leaf(noncrit) };
}

test('the Node build checks the same chains (both inside the constraints: they verify) and applies webPki', () => {
  const p = pki();
  for (const [inter, leaf] of [[p.crit, p.critLeaf], [p.noncrit, p.noncritLeaf]] as const) {
    const r = verifyChain({ peer: leaf.pem, intermediates: inter.pem, trusted: p.root.pem, serverName: 'mqtt.example.com', time: new Date() });
    assert.is(r.ok, true, r.ok ? '' : r.reason);
  }
  const outside = issue({ name: 'cuts-outside-leaf', key: 'rsa2048', subject: '/CN=evil.org', issuer: p.noncrit, ext: EXT.server('DNS:evil.org') });
  const r = verifyChain({ peer: outside.pem, intermediates: p.noncrit.pem, trusted: p.root.pem, time: new Date() });
  assert.is(r.ok, false);
  assert.match(r.ok ? '' : r.reason, /outside the permitted subtrees/);
  // A leaf without extKeyUsage: accepted by the default policy, refused by webPki.
  const noEku = issue({ name: 'cuts-noeku-leaf', key: 'rsa2048', subject: '/CN=a.example.com', issuer: p.root,
    ext: EXT.server('DNS:a.example.com').filter((l) => !l.startsWith('extendedKeyUsage')) });
  assert.is(verifyChain({ peer: noEku.pem, trusted: p.root.pem, time: new Date() }).ok, true);
  const web = verifyChain({ peer: noEku.pem, trusted: p.root.pem, time: new Date(), policy: { webPki: true } });
  assert.is(web.ok, false);
  assert.ok(!web.ok && web.flagNames.includes('BADCERT_EXT_KEY_USAGE'), JSON.stringify(!web.ok && web.reason));
});

if (!HAVE_ENGINE) {
  test.skip(`Espruino X.509 scope cuts — ${engineMissing('espruino')}`, () => {});
} else {
  test('inside Espruino: nameConstraints fail closed (critical: MBEDTLS_ERR_X509_INVALID_EXTENSIONS; not critical: BADCERT_OTHER), webPki is FEATURE_UNAVAILABLE', async () => {
    const p = pki();
    const srv = await startSServer(['-cert', p.noncritLeaf.certPath, '-key', p.noncritLeaf.keyPath, '-cert_chain', p.noncrit.certPath]);
    const critSrv = await startSServer(['-cert', p.critLeaf.certPath, '-key', p.critLeaf.keyPath, '-cert_chain', p.crit.certPath]);
    try {
      const run = await runInEspruino(`
        function report(label, f) {
          try { var r = f(); out({ event: label, returned: true, ok: r.ok, code: r.code, flags: r.flagNames, reason: r.reason }); }
          catch (e) { out({ event: label, returned: false, name: e.codeName, message: String(e.message) }); }
        }
        var now = new Date();
        report('parse-critical', function () { return microtls.parseCertificate(E.toUint8Array(atob(CRIT_B64))); });
        report('noncritical', function () {
          return microtls.verifyChain({ peer: NONCRIT_LEAF, intermediates: NONCRIT, trusted: ROOT, serverName: 'mqtt.example.com', time: now });
        });
        function withIgnored(r) {
          return { ok: r.ok, code: r.code, flagNames: r.flagNames, reason: r.reason + ' | ignored: ' + r.ignored.map(function (e) { return e.codeName + ' ' + e.message; }).join(', ') };
        }
        report('critical', function () {
          return withIgnored(microtls.verifyChain({ peer: CRIT_LEAF, intermediates: CRIT, trusted: ROOT, serverName: 'mqtt.example.com', time: now }));
        });
        report('critical-anchor', function () {
          return withIgnored(microtls.verifyChain({ peer: CRIT_LEAF, trusted: CRIT, serverName: 'mqtt.example.com', time: now }));
        });
        report('webpki', function () {
          return microtls.verifyChain({ peer: NONCRIT_LEAF, intermediates: NONCRIT, trusted: ROOT, time: now, policy: { webPki: true } });
        });
        function connectReport(label, opts, next) {
          var settled = function (ev) { out(ev); next(); };
          try {
            microtls.connect(opts).then(function (s) { settled({ event: label, ok: true }); s.end(); },
              function (e) { settled({ event: label, ok: false, name: e.codeName, message: String(e.message) }); });
          } catch (e) { settled({ event: label, ok: false, thrown: true, name: e.codeName, message: String(e.message) }); }
        }
        var opts = { host: '127.0.0.1', port: PORT, servername: 'mqtt.example.com', verify: true, ca: ROOT };
        // The device's connect() has no policy option: a TLS client asks for webPki through TlsClient's verifyPolicy.
        report('tls-webpki', function () {
          return new microtls.TlsClient({ serverName: 'mqtt.example.com', verify: true, ca: ROOT, verifyPolicy: { webPki: true } },
            { output: function () {}, handshake: function () {}, data: function () {}, alert: function () {}, closed: function () {} });
        });
        connectReport('tls-noncritical', opts, function () {
          connectReport('tls-critical', { host: '127.0.0.1', port: CRIT_PORT, servername: 'mqtt.example.com', verify: true, ca: ROOT }, function () { done(); });
        });
      `, {
        PORT: srv.port, CRIT_PORT: critSrv.port, ROOT: p.root.pem, CRIT: p.crit.pem, NONCRIT: p.noncrit.pem, CRIT_LEAF: p.critLeaf.pem, NONCRIT_LEAF: p.noncritLeaf.pem,
        CRIT_B64: Buffer.from(p.crit.der).toString('base64'),
      }, 120_000);

      // Critical: Mbed TLS 3.6 has no parser for the extension, so the certificate does not parse (-0x2562 there).
      const parse = eventOf(run, 'parse-critical');
      assert.is(parse.returned, false, JSON.stringify(parse));
      assert.is(parse.name, 'MBEDTLS_ERR_X509_INVALID_EXTENSIONS');
      assert.match(String(parse.message), /critical nameConstraints: this build does not check name constraints/);
      // ...so a chain through it has no path; the reason says why the intermediate was unusable.
      const crit = eventOf(run, 'critical');
      assert.is(crit.ok, false, JSON.stringify(crit));
      assert.is(crit.code, errorCode('X509_CERT_VERIFY_FAILED'));
      assert.ok((crit.flags as string[]).includes('BADCERT_NOT_TRUSTED'), JSON.stringify(crit));
      assert.match(String(crit.reason), /ignored: MBEDTLS_ERR_X509_INVALID_EXTENSIONS .*critical nameConstraints: this build does not check/, String(crit.reason));
      // As a trust anchor it is set aside, as mbedtls_x509_crt_parse leaves it out of the CA chain.
      const anchor = eventOf(run, 'critical-anchor');
      assert.is(anchor.ok, false, JSON.stringify(anchor));
      assert.ok((anchor.flags as string[]).includes('BADCERT_NOT_TRUSTED'));
      assert.match(String(anchor.reason), /ignored: MBEDTLS_ERR_X509_INVALID_EXTENSIONS .*critical nameConstraints: this build does not check/, String(anchor.reason));
      // Not critical: Mbed TLS would accept the chain unchecked; this build refuses it although the leaf is inside the subtree.
      const nonc = eventOf(run, 'noncritical');
      assert.is(nonc.ok, false, JSON.stringify(nonc));
      assert.is(nonc.code, errorCode('X509_CERT_VERIFY_FAILED'));
      assert.equal(nonc.flags, ['BADCERT_OTHER']);
      assert.match(String(nonc.reason), /'CN=Cuts NC non-critical': nameConstraints: this build does not check name constraints/);
      const tls = eventOf(run, 'tls-noncritical');
      assert.is(tls.ok, false, JSON.stringify(tls));
      assert.is(tls.name, 'MBEDTLS_ERR_X509_CERT_VERIFY_FAILED');
      assert.match(String(tls.message), /does not check name constraints/);

      // Over TLS the critical one's intermediate is set aside (Mbed TLS would end the handshake with -0x2562), and the reason says why.
      const tlsCrit = eventOf(run, 'tls-critical');
      assert.is(tlsCrit.ok, false, JSON.stringify(tlsCrit));
      assert.is(tlsCrit.name, 'MBEDTLS_ERR_X509_CERT_VERIFY_FAILED');
      assert.match(String(tlsCrit.message), /intermediate set aside: .*critical nameConstraints: this build does not check name constraints/);

      const web = eventOf(run, 'webpki');
      assert.is(web.returned, false, JSON.stringify(web));
      assert.is(web.name, 'MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE');
      assert.match(String(web.message), /policy\.webPki: this build leaves out/);
      const tlsWeb = eventOf(run, 'tls-webpki');
      assert.is(tlsWeb.returned, false, JSON.stringify(tlsWeb));
      assert.is(tlsWeb.name, 'MBEDTLS_ERR_X509_FEATURE_UNAVAILABLE', JSON.stringify(tlsWeb));
    } finally {
      await srv.close();
      await critSrv.close();
    }
  });
}

test.run();
