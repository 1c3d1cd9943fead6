import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import type { HashName } from '../../hw/provider.js';
import { issueCertificate } from '../../src/node/pki.js';
import { MicroTlsError } from '../../src/errors.js';
import { ByteReader } from '../../src/encoding/reader.js';
import { signatureSchemeByCode, SIGNATURE_SCHEMES } from '../../src/crypto/signature-schemes.js';
import { loadClientCredentials } from '../../src/client-auth/credentials.js';
import { encodeCertificateVerify } from '../../src/client-auth/certificate-verify.js';

const rng = (n: number) => new Uint8Array(randomBytes(n));
const TRANSCRIPT = new Uint8Array(randomBytes(3000));
const nodeHash = (h: HashName) => new Uint8Array(createHash(h).update(TRANSCRIPT).digest());

const issued = [1024, 2048, 4096].map((bits) => issueCertificate({ subject: [['CN', `c${bits}`]], key: { type: 'rsa', bits } }));

function split(body: Uint8Array): { code: number; signature: Uint8Array } {
  const r = new ByteReader(body, 'SSL_BAD_HS_CERTIFICATE_VERIFY', 'CertificateVerify');
  const code = r.u16();
  const signature = r.vec16();
  r.end();
  return { code, signature };
}

for (const c of issued) {
  const creds = loadClientCredentials({ cert: c.certPem, key: c.keyPem });
  test(`RSA-${creds.bits}: every RSA scheme verifies with node:crypto`, () => {
    for (const scheme of SIGNATURE_SCHEMES.filter((s) => s.key === 'rsa')) {
      const asked: HashName[] = [];
      const body = encodeCertificateVerify(creds.key, scheme, (h) => { asked.push(h); return nodeHash(h); }, rng);
      assert.equal(asked, [scheme.hash], scheme.name);
      const { code, signature } = split(body);
      assert.is(code, scheme.code);
      assert.is(signature.length, creds.bits / 8);
      const pub = createPublicKey(c.certPem);
      assert.ok(verify(scheme.hash, TRANSCRIPT, pub, signature), `${scheme.name} verifies`);
      const other = TRANSCRIPT.slice();
      other[0] = other[0]! ^ 1;
      assert.not.ok(verify(scheme.hash, other, pub, signature), `${scheme.name} is bound to the transcript`);
    }
  });
}

test('an ECDSA scheme is refused for the RSA client key', () => {
  const creds = loadClientCredentials({ cert: issued[0]!.certPem, key: issued[0]!.keyPem });
  try {
    encodeCertificateVerify(creds.key, signatureSchemeByCode(0x0403)!, nodeHash, rng);
    assert.unreachable('signed with an ECDSA scheme');
  } catch (e) {
    assert.instance(e, MicroTlsError);
    assert.is((e as MicroTlsError).codeName, 'MBEDTLS_ERR_PK_TYPE_MISMATCH');
  }
});

test.run();
