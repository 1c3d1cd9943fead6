/**
 * ASN.1 directory string decoding for names. Display is lenient (a bad byte shows as
 * U+FFFD, as the reference device shows whatever it can); matching uses these strings too,
 * so an ill-formed UTF-8 name simply never equals a well-formed one.
 */
import { asciiDecode, codePointText, toHex, utf8DecodeLenient } from '../encoding/bytes.js';
import { Tag, TagClass, type DerNode } from './der.js';

const STRING_TAGS: ReadonlySet<number> = new Set([
  Tag.UTF8_STRING, Tag.PRINTABLE_STRING, Tag.T61_STRING, Tag.IA5_STRING, Tag.BMP_STRING,
  Tag.UNIVERSAL_STRING, Tag.NUMERIC_STRING, Tag.VISIBLE_STRING,
]);

export function isStringNode(n: DerNode): boolean {
  return n.cls === TagClass.Universal && !n.constructed && STRING_TAGS.has(n.tag);
}

/** Text of a string node; non-string values come back as `#hex` (RFC 4514 2.4). */
export function decodeDirectoryString(n: DerNode): string {
  if (!isStringNode(n)) return '#' + toHex(n.raw);
  const v = n.value;
  switch (n.tag) {
    case Tag.UTF8_STRING:
      return utf8DecodeLenient(v);
    case Tag.BMP_STRING: {
      let s = '';
      for (let i = 0; i + 1 < v.length; i += 2) s += String.fromCharCode((v[i]! << 8) | v[i + 1]!);
      return s;
    }
    case Tag.UNIVERSAL_STRING: {
      let s = '';
      for (let i = 0; i + 3 < v.length; i += 4) {
        const cp = ((v[i]! << 24) | (v[i + 1]! << 16) | (v[i + 2]! << 8) | v[i + 3]!) >>> 0;
        s += cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff) ? codePointText(cp) : '\ufffd';
      }
      return s;
    }
    default:
      // PrintableString, IA5String, T61String (treated as Latin-1, as most software does).
      return asciiDecode(v);
  }
}
