/**
 * PEM (RFC 7468, with RFC 1421 headers such as `Proc-Type: 4,ENCRYPTED` kept so that the
 * key importer can say why it refuses an encrypted key). A file may hold several blocks
 * (a chain, or a certificate and its key); text around blocks is ignored like OpenSSL does
 * (`openssl x509 -text` output keeps the dump above the block). Inside a block, CRLF, blank
 * lines and stray spaces are tolerated, the base64 itself is strict.
 */
import { MicroTlsError } from '../errors.js';
import { asciiDecode } from './bytes.js';
import { base64Decode, base64Encode } from './base64.js';
import { readHeader } from './der.js';

export interface PemBlock {
  label: string;
  der: Uint8Array;
  headers: Record<string, string>;
}

// RFC 7468 labels: printable, no leading/trailing space or hyphen.
const BEGIN = /^-----BEGIN ([\x20-\x7e]+)-----$/;

/** The label of a BEGIN line (checked by hand: Espruino's regular expressions have no `?`). */
function beginLabel(line: string): string | undefined {
  const m = BEGIN.exec(line);
  if (!m) return undefined;
  const label = m[1]!;
  const edge = (c: string): boolean => c === ' ' || c === '-';
  return edge(label[0]!) || edge(label[label.length - 1]!) ? undefined : label;
}
const END = /^-----END (.*)-----$/;
const HEADER = /^([A-Za-z0-9-]+):[ \t]*(.*)$/;

function withoutByteOrderMark(text: string): string {
  if (text.charCodeAt(0) === 0xfeff) return text.slice(1);
  return text.startsWith('\xef\xbb\xbf') ? text.slice(3) : text;
}

export function decodePem(text: string): PemBlock[] {
  // Windows editors save a byte-order mark; as bytes decoded one per char it is "\xef\xbb\xbf".
  const lines = withoutByteOrderMark(text).split(/\r\n|\r|\n/);
  const blocks: PemBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const label = beginLabel(lines[i]!.trim());
    i++;
    if (label === undefined) continue;
    const headers: Record<string, string> = {};
    let body = '';
    let ended = false;
    let inHeaders = true;
    let lastHeader: string | undefined;
    for (; i < lines.length; i++) {
      const raw = lines[i]!;
      const line = raw.trim();
      if (line.startsWith('-----')) {
        const end = END.exec(line);
        if (!end) throw new MicroTlsError('PEM_INVALID_DATA', `"${line}" inside PEM "${label}" (missing END?)`, { label });
        if (end[1] !== label) {
          throw new MicroTlsError('PEM_INVALID_DATA', `PEM "${label}" closed by "END ${end[1]}"`, { label });
        }
        i++;
        ended = true;
        break;
      }
      if (inHeaders) {
        const h = HEADER.exec(line);
        if (h) {
          lastHeader = h[1]!;
          headers[lastHeader] = h[2]!;
          continue;
        }
        // RFC 1421 continuation lines of a header start with whitespace.
        if (lastHeader !== undefined && line !== '' && /^[ \t]/.test(raw)) {
          headers[lastHeader] += ' ' + line;
          continue;
        }
        if (line === '') {
          if (lastHeader !== undefined) inHeaders = false;
          continue;
        }
        inHeaders = false;
      }
      body += line.replace(/[ \t]+/g, '');
    }
    if (!ended) {
      throw new MicroTlsError('PEM_NO_HEADER_FOOTER_PRESENT', `PEM "${label}" has no END line`, { label });
    }
    if (body === '') throw new MicroTlsError('PEM_INVALID_DATA', `PEM "${label}" is empty`, { label });
    let der: Uint8Array;
    try {
      der = base64Decode(body);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new MicroTlsError('PEM_INVALID_DATA', `PEM "${label}": ${why.replace(/^-0x[0-9a-f]+ \S+: /, '')}`, { label }, { cause: err });
    }
    blocks.push({ label, der, headers });
  }
  if (blocks.length === 0) {
    throw new MicroTlsError('PEM_NO_HEADER_FOOTER_PRESENT', 'no BEGIN line (not PEM)');
  }
  return blocks;
}

/** PEM with 64-character lines and LF line ends, as OpenSSL writes it. */
export function encodePem(label: string, der: Uint8Array): string {
  const b64 = base64Encode(der);
  let out = `-----BEGIN ${label}-----\n`;
  for (let i = 0; i < b64.length; i += 64) out += b64.slice(i, i + 64) + '\n';
  return out + `-----END ${label}-----\n`;
}

const BEGIN_MARK = '-----BEGIN ';

/** True when the input contains a PEM BEGIN line: tells PEM from DER before parsing. */
export function looksLikePem(input: string | Uint8Array): boolean {
  if (typeof input !== 'string' && isWholeDerSequence(input)) return false;
  const text = typeof input === 'string' ? input : asciiDecode(input);
  const at = text.indexOf(BEGIN_MARK);
  if (at < 0) return false;
  const close = text.indexOf('-----', at + BEGIN_MARK.length);
  return close > at + BEGIN_MARK.length;
}

/**
 * A DER SEQUENCE whose length covers the whole input is DER even if some string inside
 * it happens to contain a BEGIN line (a certificate comment can carry anything).
 */
function isWholeDerSequence(b: Uint8Array): boolean {
  const h = readHeader(b, 0, b.length);
  return b[0] === 0x30 && typeof h !== 'string' && h.valueStart + h.length === b.length;
}
