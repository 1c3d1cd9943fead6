/**
 * `microtls cert-info FILE…`: the description the reference device shows next to each
 * uploaded file (manual, section 1), so a user can check certificates and keys before
 * uploading them. Private keys are recognised by their PEM label; everything else is
 * read as certificates (PEM, one or several, or DER).
 */
import { readFile } from 'node:fs/promises';
import { asciiDecode } from '../encoding/bytes.js';
import { describeCertificate, describeKey } from '../x509/describe.js';
import type { CliIo } from './main.js';

const USAGE = `usage: microtls cert-info [--max-bytes N] FILE...
  Prints, per file, what the reference device shows: "CN=..., O=..., expires YYYY-MM-DD"
  for certificates, "Name: RSA (2048 bit)" for a private key, or the Mbed TLS error code.
  --max-bytes N   per-file size limit (default 4096, as on the device)`;

export async function run(argv: string[], io: CliIo): Promise<number> {
  const files: string[] = [];
  let maxBytes: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') {
      io.out(USAGE);
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
    const opts = maxBytes === undefined ? {} : { maxBytes };
    const isKey = /-----BEGIN (?:[A-Z0-9 ]+ )?PRIVATE KEY-----/.test(asciiDecode(bytes.subarray(0, 8192)));
    const line = isKey ? describeKey(bytes, opts) : describeCertificate(bytes, opts);
    if (/^-0x[0-9a-f]+ /.test(line)) failures++;
    io.out(`${file}: ${line}`);
  }
  return failures === 0 ? 0 : 1;
}
