/**
 * asn1js (4.x) runs `new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })` when its
 * module is evaluated, so on an engine without the WHATWG TextDecoder (Espruino, bare
 * QuickJS) importing the core failed with "ReferenceError: TextDecoder is not defined"
 * before any code ran. This module is imported by src/x509/der.ts ahead of asn1js and,
 * only when the engine has no TextDecoder, installs a UTF-8-only one on globalThis built on
 * src/encoding/bytes.ts. Where TextDecoder exists (Node, browsers, XS) it does nothing.
 * Fatal mode is exact (ill-formed input throws TypeError, as asn1js's Utf8String decoding
 * expects); non-fatal mode substitutes U+FFFD per invalid byte run less precisely than WHATWG.
 */
import { utf8DecodeLenient, utf8DecodeStrict } from '../encoding/bytes.js';

export class Utf8OnlyTextDecoder {
  readonly encoding = 'utf-8';
  readonly fatal: boolean;
  readonly ignoreBOM: boolean;

  constructor(label: string = 'utf-8', options: { fatal?: boolean; ignoreBOM?: boolean } = {}) {
    if (!/^\s*(utf-?8|unicode-1-1-utf-8)\s*$/i.test(label)) throw new RangeError(`unsupported encoding ${label}`);
    this.fatal = options.fatal === true;
    this.ignoreBOM = options.ignoreBOM === true;
  }

  decode(input?: ArrayBuffer | ArrayBufferView): string {
    if (input === undefined) return '';
    let bytes = input instanceof ArrayBuffer
      ? new Uint8Array(input)
      : new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    if (!this.ignoreBOM && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    const s = utf8DecodeStrict(bytes);
    if (s !== undefined) return s;
    if (this.fatal) throw new TypeError('The encoded data was not valid for encoding utf-8');
    return utf8DecodeLenient(bytes);
  }
}

const g = globalThis as { TextDecoder?: unknown };
if (typeof g.TextDecoder !== 'function') g.TextDecoder = Utf8OnlyTextDecoder;
