/**
 * Every file a command reads (--cafile, --capath, --cert, --key, cert-info's arguments) goes
 * through here: read as bytes, never as text, and recognised by content, whatever its name:
 * PEM or DER; certificate(s), private key, encrypted or EC private key. So a DER file works
 * wherever a PEM one does, and a key given where a certificate belongs is named as such.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { asciiDecode } from '../encoding/bytes.js';
import { decodePem, looksLikePem } from '../encoding/pem.js';
import { MicroTlsError } from '../errors.js';
import { importPrivateKey } from '../crypto/keys.js';
import { parseCertificate } from '../x509/certificate.js';
import { UsageError } from './usage.js';

export type FileFormat = 'PEM' | 'DER' | 'unknown';
export type FileKind = 'certificate' | 'private-key' | 'encrypted-private-key' | 'ec-private-key' | 'other' | 'unknown';

export interface InputFile {
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly format: FileFormat;
  readonly kind: FileKind;
  /** PEM: labels of the blocks in order; DER: the one kind found. */
  readonly labels: readonly string[];
}

const KIND_WORDS: Record<FileKind, string> = {
  certificate: 'a certificate',
  'private-key': 'a private key',
  'encrypted-private-key': 'an encrypted (password-protected) private key',
  'ec-private-key': 'an EC private key',
  other: 'neither a certificate nor a private key',
  unknown: 'neither PEM nor DER',
};

export function kindWords(f: InputFile): string {
  const what = KIND_WORDS[f.kind];
  return f.format === 'unknown' ? what : `${what} (${f.format}${f.kind === 'other' ? `: ${f.labels.join(', ')}` : ''})`;
}

function kindOfLabel(label: string, headers: Record<string, string>): FileKind {
  if (label === 'CERTIFICATE' || label === 'TRUSTED CERTIFICATE' || label === 'X509 CERTIFICATE') return 'certificate';
  if (label === 'ENCRYPTED PRIVATE KEY' || (label.endsWith('PRIVATE KEY') && /ENCRYPTED/i.test(headers['Proc-Type'] ?? ''))) return 'encrypted-private-key';
  if (label === 'EC PRIVATE KEY') return 'ec-private-key';
  if (label.endsWith('PRIVATE KEY')) return 'private-key';
  return 'other';
}

/** Format and kind of file content. */
export function identify(bytes: Uint8Array): { format: FileFormat; kind: FileKind; labels: string[] } {
  if (looksLikePem(bytes)) {
    let blocks;
    try {
      blocks = decodePem(asciiDecode(bytes));
    } catch {
      return { format: 'PEM', kind: 'unknown', labels: [] };
    }
    const kinds = blocks.map((b) => kindOfLabel(b.label, b.headers));
    // A file with a certificate and its key is both; the certificate is what most options want.
    const kind = kinds.includes('certificate') ? 'certificate'
      : kinds.find((k) => k !== 'other') ?? (blocks.length ? 'other' : 'unknown');
    return { format: 'PEM', kind, labels: blocks.map((b) => b.label) };
  }
  if (bytes.length > 0 && bytes[0] === 0x30) {
    try {
      parseCertificate(bytes);
      return { format: 'DER', kind: 'certificate', labels: ['CERTIFICATE'] };
    } catch {
      // not a certificate: a key?
    }
    try {
      importPrivateKey(bytes);
      return { format: 'DER', kind: 'private-key', labels: ['PRIVATE KEY'] };
    } catch (e) {
      if (e instanceof MicroTlsError && e.codeName === 'MBEDTLS_ERR_PK_PASSWORD_REQUIRED') return { format: 'DER', kind: 'encrypted-private-key', labels: ['ENCRYPTED PRIVATE KEY'] };
      if (e instanceof MicroTlsError && e.codeName === 'MBEDTLS_ERR_PK_FEATURE_UNAVAILABLE') return { format: 'DER', kind: 'ec-private-key', labels: ['EC PRIVATE KEY'] };
    }
    return { format: 'DER', kind: 'other', labels: ['DER data'] };
  }
  return { format: 'unknown', kind: 'unknown', labels: [] };
}

/** Reads `path` for `flag`; an unreadable file is a usage error that names both. */
export function readInputFile(flag: string, path: string): InputFile {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new UsageError(`Unable to load ${flag} file '${path}': ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return { path, bytes, ...identify(bytes) };
}

/** A file that must hold certificates (a CA file, a client certificate chain). */
export function readCertificateFile(flag: string, path: string): InputFile {
  const f = readInputFile(flag, path);
  if (f.kind !== 'certificate') throw new UsageError(`${flag} ${path} is ${kindWords(f)}, not a certificate (PEM or DER)`);
  return f;
}

/** A file that must hold a usable private key: RSA, unencrypted, PEM or DER. */
export function readKeyFile(flag: string, path: string): InputFile {
  const f = readInputFile(flag, path);
  if (f.kind === 'private-key') {
    try {
      importPrivateKey(f.bytes);
    } catch (e) {
      throw new UsageError(`${flag} ${path}: ${e instanceof MicroTlsError ? e.message : String(e)}`);
    }
    return f;
  }
  if (f.kind === 'encrypted-private-key') {
    throw new UsageError(`${flag} ${path} is an encrypted private key; microtls (like the device) needs it without a password: openssl pkey -in ${path} -out key-plain.pem`);
  }
  if (f.kind === 'ec-private-key') throw new UsageError(`${flag} ${path} is an EC private key; only RSA client keys are supported`);
  throw new UsageError(`${flag} ${path} is ${kindWords(f)}, not a private key (PEM or DER)`);
}

/**
 * --capath as mosquitto reads it: every certificate file in the directory (OpenSSL looks
 * them up by hashed names; reading them all gives the same trust). Files that are not
 * certificates are skipped, as OpenSSL skips them.
 */
export function readCaDirectory(path: string): InputFile[] {
  let names: string[];
  try {
    if (!statSync(path).isDirectory()) throw new UsageError(`--capath ${path} is not a directory`);
    names = readdirSync(path).sort();
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`Unable to read --capath directory '${path}': ${(e as Error).message}`);
  }
  const files: InputFile[] = [];
  for (const name of names) {
    const full = join(path, name);
    try {
      if (!statSync(full).isFile()) continue;
    } catch {
      continue;
    }
    const f = readInputFile('--capath', full);
    if (f.kind === 'certificate') files.push(f);
  }
  if (files.length === 0) throw new UsageError(`--capath ${path} holds no certificate file (PEM or DER)`);
  return files;
}
