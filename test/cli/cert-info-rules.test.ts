/**
 * `microtls cert-info` run as a process: files judged as the device judges uploads (manual,
 * section 1), with a verdict per rule. DER, an over-size file and an expired certificate are
 * each named; a bundle describes each certificate; a DER private key is a key, not a bad
 * certificate. Expiry and key sizes are checked beside `openssl x509` on the same files.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { issueCertificate } from '../../src/node/pki.js';
import { microtls, run } from '../helpers/run-process.js';
import { cliPki } from './fixtures.js';

function file(name: string, content: string | Uint8Array): string {
  const p = join(cliPki().dir, name);
  writeFileSync(p, content);
  return p;
}

/** The indented verdict lines that follow `path`'s description line. */
function verdicts(stdout: string, path: string): string[] {
  const lines = stdout.split('\n');
  const at = lines.findIndex((l) => l.startsWith(`${path}: `));
  assert.ok(at >= 0, `no line for ${path} in:\n${stdout}`);
  const out: string[] = [];
  for (const l of lines.slice(at + 1)) {
    if (!l.startsWith('  ')) break;
    out.push(l.trim());
  }
  return out;
}

test('good PEM files pass every rule (exit 0); a bundle describes each certificate', async () => {
  const p = cliPki();
  const bundle = file('bundle.pem', p.server.certPem + p.ca.certPem);
  const r = await microtls(['cert-info', p.files.caPem, bundle]);
  assert.is(r.code, 0, r.stdout.toString());
  const out = r.stdout.toString();
  assert.match(out, new RegExp(`${p.files.caPem}: CN=microtls CLI test CA, expires \\d{4}-\\d\\d-\\d\\d\\n`));
  assert.equal(verdicts(out, p.files.caPem).map((l) => l.slice(0, 6)), ['[ok]  ', '[ok]  ', '[ok]  ', '[ok]  ']);
  const b = verdicts(out, bundle);
  assert.ok(b.some((l) => l.startsWith('certificate 1 of 2: CN=localhost, expires ')), b.join('\n'));
  assert.ok(b.some((l) => l.startsWith('certificate 2 of 2: CN=microtls CLI test CA, expires ')), b.join('\n'));
  assert.ok(b.some((l) => /^\[ok\] +server certificate, RSA 2048 bit \(at least 2048 needed\)$/.test(l)), b.join('\n'));
});

test('DER certificate and DER key: each recognised, the DER rule fails with the conversion command', async () => {
  const p = cliPki();
  const r = await microtls(['cert-info', p.files.caDer, p.files.clientKeyDer]);
  assert.is(r.code, 1);
  const out = r.stdout.toString();
  assert.match(out, new RegExp(`${p.files.caDer}: CN=microtls CLI test CA, expires`));
  assert.match(out, new RegExp(`${p.files.clientKeyDer}: Name: RSA \\(2048 bit\\)`), 'a DER key is described as a key, not -0x2180');
  assert.ok(verdicts(out, p.files.caDer).some((l) => /^\[FAIL\] DER: the device takes PEM text only \(convert: openssl x509 -inform DER/.test(l)));
  assert.ok(verdicts(out, p.files.clientKeyDer).some((l) => /^\[FAIL\] DER: .*openssl pkey -inform DER/.test(l)));
});

test('over-size file, expired certificate, 1024-bit server key, encrypted key: each rule named (openssl agrees on expiry and size)', async () => {
  const p = cliPki();
  const big = file('big.pem', `${'# comment line to pad the file\n'.repeat(120)}${p.ca.certPem}`);
  const expired = issueCertificate({
    subject: [['CN', 'old.example']], issuer: p.ca, dnsNames: ['old.example'], extKeyUsage: ['serverAuth'],
    notBefore: new Date(Date.UTC(2020, 0, 1)), notAfter: new Date(Date.UTC(2021, 0, 1)),
  });
  const expiredPath = file('expired.pem', expired.certPem);
  const weak = issueCertificate({ subject: [['CN', 'weak.example']], issuer: p.ca, key: { type: 'rsa', bits: 1024 }, extKeyUsage: ['serverAuth'] });
  const weakPath = file('weak.pem', weak.certPem);
  const r = await microtls(['cert-info', big, expiredPath, weakPath, p.files.encryptedKey]);
  assert.is(r.code, 1);
  const out = r.stdout.toString();
  assert.ok(verdicts(out, big).some((l) => /^\[FAIL\] \d+ bytes: over the device's 4096-byte limit per file$/.test(l)), out);
  assert.ok(verdicts(out, expiredPath).some((l) => l === '[FAIL] expired on 2021-01-01 (valid 2020-01-01 to 2021-01-01)'), out);
  assert.ok(verdicts(out, weakPath).some((l) => /^\[FAIL\] server certificate, RSA 1024 bit: the device needs at least 2048 bits$/.test(l)), out);
  assert.ok(verdicts(out, p.files.encryptedKey).some((l) => /^\[FAIL\] .*encrypted/.test(l)), out);
  const checkend = await run('openssl', ['x509', '-in', expiredPath, '-noout', '-checkend', '0']);
  assert.is(checkend.code, 1, 'openssl x509 -checkend 0 also says it has expired');
  const text = await run('openssl', ['x509', '-in', weakPath, '-noout', '-text']);
  assert.match(text.stdout.toString(), /Public-Key: \(1024 bit\)/);
});

test('help and version', async () => {
  const r = await microtls(['cert-info', '--help']);
  assert.is(r.code, 0);
  assert.match(r.stdout.toString(), /microtls cert-info version \d+\.\d+\.\d+/);
  assert.match(r.stdout.toString(), /--max-bytes N/);
});

test.run();
