/**
 * `microtls cert-info FILE…`: each file judged as the reference device judges uploads
 * (manual, section 1): first the one-line description the device shows next to the file
 * ("CN=..., expires YYYY-MM-DD", "Name: RSA (2048 bit)" or the Mbed TLS error code), then
 * the verdict of each rule: PEM text (not DER), at most 4096 bytes, not expired, and key
 * sizes (a server certificate needs at least 2048 bits; 1024 is recommended for a client
 * key, since 2048 takes the device over 5 s). A bundle gets its rules per certificate.
 * Files are recognised by content (PEM or DER, certificate or key), not by name.
 */
import { readFile } from 'node:fs/promises';
import { MicroTlsError } from '../errors.js';
import { importPrivateKey } from '../crypto/keys.js';
import { asciiDecode } from '../encoding/bytes.js';
import { decodePem } from '../encoding/pem.js';
import { DEFAULT_MAX_FILE_BYTES, parseCertificate, type Certificate } from '../x509/certificate.js';
import { certificateLine, describeCertificate, describeKey } from '../x509/describe.js';
import { isoDate } from '../x509/validity.js';
import { identify, type FileFormat } from './input-files.js';
import type { CliIo } from './main.js';
import { versionLine } from './version.js';

const USAGE = `usage: microtls cert-info [--max-bytes N] FILE...
  Per file: what the reference device shows ("CN=..., O=..., expires YYYY-MM-DD" for certificates,
  "Name: RSA (2048 bit)" for a private key, or the Mbed TLS error code), then the verdict of each of
  the device's rules (manual, section 1): PEM text, at most 4096 bytes, not expired, server key at
  least 2048 bits, client key 1024 bits recommended, RSA key without a password.
  --max-bytes N   per-file size limit (default 4096, as on the device)
Exit status: 0 every rule passed; 1 a file breaks a rule or cannot be read; 2 usage error.`;

type Verdict = 'ok' | 'FAIL' | 'note';

interface Rule {
  verdict: Verdict;
  text: string;
}

const mark = (r: Rule): string => `[${r.verdict}]`.padEnd(7);

function fileRules(path: string, bytes: Uint8Array, format: FileFormat, isKey: boolean, maxBytes: number): Rule[] {
  const rules: Rule[] = [];
  if (format === 'DER') {
    const convert = isKey ? `openssl pkey -inform DER -in ${path} -out key.pem` : `openssl x509 -inform DER -in ${path} -out cert.pem`;
    rules.push({ verdict: 'FAIL', text: `DER: the device takes PEM text only (convert: ${convert})` });
  } else if (format === 'PEM') {
    rules.push({ verdict: 'ok', text: 'PEM text' });
  }
  rules.push(bytes.length <= maxBytes
    ? { verdict: 'ok', text: `${bytes.length} bytes (the device takes at most ${maxBytes} per file)` }
    : { verdict: 'FAIL', text: `${bytes.length} bytes: over the device's ${maxBytes}-byte limit per file` });
  return rules;
}

function role(c: Certificate): 'CA' | 'client' | 'server' {
  if (c.extensions.basicConstraints?.ca) return 'CA';
  const eku = c.extensions.extKeyUsage ?? [];
  const client = eku.includes('1.3.6.1.5.5.7.3.2');
  const server = eku.includes('1.3.6.1.5.5.7.3.1');
  return client && !server ? 'client' : 'server';
}

function certificateRules(c: Certificate, now: Date): Rule[] {
  const rules: Rule[] = [];
  const from = isoDate(c.notBefore);
  const to = isoDate(c.notAfter);
  if (now > c.notAfter) rules.push({ verdict: 'FAIL', text: `expired on ${to} (valid ${from} to ${to})` });
  else if (now < c.notBefore) rules.push({ verdict: 'FAIL', text: `not valid before ${from}: check the certificate and the device's clock (SNTP)` });
  else rules.push({ verdict: 'ok', text: `valid now (${from} to ${to})` });
  const k = c.publicKey;
  const r = role(c);
  if (k.type !== 'rsa') {
    rules.push(r === 'server'
      ? { verdict: 'FAIL', text: `${r} certificate with an EC ${k.curve} key: the device uses RSA key exchange, which needs an RSA server key` }
      : { verdict: r === 'client' ? 'FAIL' : 'ok', text: `${r} certificate with an EC ${k.curve} key${r === 'client' ? ': only RSA client keys are supported' : ''}` });
  } else if (r === 'server') {
    rules.push(k.bits >= 2048
      ? { verdict: 'ok', text: `server certificate, RSA ${k.bits} bit (at least 2048 needed)` }
      : { verdict: 'FAIL', text: `server certificate, RSA ${k.bits} bit: the device needs at least 2048 bits` });
  } else if (r === 'client') {
    rules.push(k.bits <= 1024
      ? { verdict: 'ok', text: `client certificate, RSA ${k.bits} bit (1024 recommended)` }
      : { verdict: 'note', text: `client certificate, RSA ${k.bits} bit: works, but the device takes over 5 s per handshake with 2048 bits (1024 recommended)` });
  } else {
    rules.push({ verdict: 'ok', text: `CA certificate, RSA ${k.bits} bit` });
  }
  return rules;
}

function keyRules(bytes: Uint8Array): Rule[] {
  try {
    const k = importPrivateKey(bytes);
    return [k.bits <= 1024
      ? { verdict: 'ok', text: `RSA ${k.bits} bit, no password` }
      : { verdict: 'note', text: `RSA ${k.bits} bit, no password: as a client key the device takes over 5 s per handshake with 2048 bits (1024 recommended)` }];
  } catch (e) {
    return [{ verdict: 'FAIL', text: e instanceof MicroTlsError ? e.message.replace(`${e.label}: `, '') : String(e) }];
  }
}

/** Certificates of a file (PEM blocks or one DER), parsed without the size limit: the size has its own rule. */
function certificatesOf(bytes: Uint8Array, format: FileFormat): Certificate[] {
  if (format === 'DER') return [parseCertificate(bytes)];
  return decodePem(asciiDecode(bytes)).filter((b) => b.label === 'CERTIFICATE').map((b) => parseCertificate(b.der));
}

export async function run(argv: string[], io: CliIo): Promise<number> {
  const files: string[] = [];
  let maxBytes: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      io.out(`microtls cert-info checks certificate and key files before they are uploaded to the device.\n${versionLine('cert-info')}\n\n${USAGE}`);
      return 0;
    }
    if (a === '--version') {
      io.out(versionLine('cert-info'));
      return 0;
    }
    if (a === '--max-bytes') {
      maxBytes = Number(argv[++i]);
      if (!Number.isInteger(maxBytes) || maxBytes <= 0) {
        io.err('microtls cert-info: --max-bytes needs a positive integer');
        return 2;
      }
    } else if (a.startsWith('-')) {
      io.err(`microtls cert-info: unknown option ${a}\n${USAGE}`);
      return 2;
    } else files.push(a);
  }
  if (files.length === 0) {
    io.err(USAGE);
    return 2;
  }
  const limit = maxBytes ?? DEFAULT_MAX_FILE_BYTES;
  const now = new Date();
  let failures = 0;
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(file));
    } catch (err) {
      io.err(`${file}: ${err instanceof Error ? err.message : String(err)}`);
      failures++;
      continue;
    }
    const opts = { maxBytes: limit };
    const kind = identify(bytes);
    const isKey = kind.kind === 'private-key' || kind.kind === 'encrypted-private-key' || kind.kind === 'ec-private-key';
    const line = isKey ? describeKey(bytes, opts) : describeCertificate(bytes, opts);
    io.out(`${file}: ${line}`);
    const rules = kind.format === 'unknown' ? [] : fileRules(file, bytes, kind.format, isKey, limit);
    let parts: { title?: string; rules: Rule[] }[] = [{ rules }];
    if (isKey) {
      rules.push(...keyRules(bytes));
    } else if (kind.kind === 'certificate') {
      let certs: Certificate[] = [];
      try {
        certs = certificatesOf(bytes, kind.format);
      } catch (e) {
        rules.push({ verdict: 'FAIL', text: e instanceof MicroTlsError ? e.message : String(e) });
      }
      if (certs.length === 1) rules.push(...certificateRules(certs[0]!, now));
      else parts = [...parts, ...certs.map((c, i) => ({ title: `certificate ${i + 1} of ${certs.length}: ${certificateLine(c)}`, rules: certificateRules(c, now) }))];
    } else {
      rules.push({ verdict: 'FAIL', text: kind.format === 'unknown' ? 'neither PEM nor DER: not a certificate or key file' : `no certificate or private key in it (found ${kind.labels.join(', ')})` });
    }
    let failed = /^-0x[0-9a-f]+ /.test(line);
    for (const p of parts) {
      const indent = p.title ? '    ' : '  ';
      if (p.title) io.out(`  ${p.title}`);
      for (const r of p.rules) {
        io.out(`${indent}${mark(r)}${r.text}`);
        if (r.verdict === 'FAIL') failed = true;
      }
    }
    if (failed) failures++;
  }
  return failures === 0 ? 0 : 1;
}
