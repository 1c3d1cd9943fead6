/**
 * The error-code table for the device bundles, with src/error-codes.ts's API but as one short
 * string of names instead of 150 objects and two Maps: on Espruino those cost ~2,700
 * variables of RAM for the life of the program, while a string in code loaded from Storage
 * stays in flash; and the names alone are a third of the table's size.
 *
 * Every code keeps its Mbed TLS name; the one-line meanings are left out (`meaning` is ''),
 * as Mbed TLS leaves out mbedtls_strerror's text without MBEDTLS_ERROR_C on small devices.
 * A thrown MicroTlsError still says in its message what went wrong; `microtls errors CODE`
 * (Node) prints the meaning of a code.
 *
 * scripts/build-device.mjs fills PACKED from src/error-codes.ts at build time, so the two
 * tables cannot drift apart. Format, one group per Mbed TLS module:
 *   "\n" PREFIX (" " HEX ":" NAME)*
 * PREFIX is the name's start (`SSL_` stands for `MBEDTLS_ERR_SSL_`; one starting `MICROTLS_` is
 * taken whole) and an entry's code is -HEX. Every code is written out so that a lookup either
 * way is a few native indexOf calls: a walk over the entries in JS takes ~70 ms on Espruino.
 */
import type { ErrorCodeInfo, ErrorName } from '../error-codes.js';

export type { ErrorCodeInfo, ErrorFullName, ErrorName } from '../error-codes.js';

declare const __MICROTLS_PACKED_ERROR_CODES__: string;
const PACKED: string = __MICROTLS_PACKED_ERROR_CODES__;
const MBEDTLS = 'MBEDTLS_ERR_';

/** End of the word starting at `from` (the next space or newline, or the end). */
function wordEnd(from: number): number {
  const sp = PACKED.indexOf(' ', from);
  const nl = PACKED.indexOf('\n', from);
  if (sp < 0) return nl < 0 ? PACKED.length : nl;
  return nl < 0 || sp < nl ? sp : nl;
}

/** The entry whose `:` is at `colon`. */
function entryAt(colon: number): ErrorCodeInfo {
  const line = PACKED.lastIndexOf('\n', colon);
  const prefix = PACKED.slice(line + 1, PACKED.indexOf(' ', line));
  const name = (prefix.slice(0, 9) === 'MICROTLS_' ? '' : MBEDTLS) + prefix + PACKED.slice(colon + 1, wordEnd(colon));
  return { code: -parseInt(PACKED.slice(PACKED.lastIndexOf(' ', colon) + 1, colon), 16), name, meaning: '' };
}

function byCode(code: number): ErrorCodeInfo | undefined {
  if (typeof code !== 'number' || code >= 0 || Math.floor(code) !== code) return undefined;
  const at = PACKED.indexOf(' ' + (-code).toString(16) + ':', 0);
  return at < 0 ? undefined : entryAt(PACKED.indexOf(':', at));
}

function byName(name: string): number | undefined {
  let rest: string;
  let prefix: string;
  // slice, not startsWith: Espruino 2v29's string search matches a needle that runs off the end
  // of the string ("X509_".indexOf("_ERR_") is 4); the Espruino bundle's polyfill corrects
  // indexOf, includes and replace, which is what the lookups here use.
  if (name.slice(0, MBEDTLS.length) === MBEDTLS) {
    rest = name.slice(MBEDTLS.length);
    prefix = rest.slice(0, rest.indexOf('_') + 1);
  } else if (name.slice(0, 13) === 'MICROTLS_ERR_') {
    rest = name;
    prefix = name.slice(0, name.indexOf('_', 13) + 1);
  } else {
    return undefined;
  }
  const item = rest.slice(prefix.length);
  const group = prefix && item ? PACKED.indexOf('\n' + prefix + ' ', 0) : -1;
  if (group < 0) return undefined;
  const groupEnd = PACKED.indexOf('\n', group + 1);
  for (let at = PACKED.indexOf(':' + item, group); at >= 0 && (groupEnd < 0 || at < groupEnd); at = PACKED.indexOf(':' + item, at + 1)) {
    // ':BAD_INPUT' also matches the start of ':BAD_INPUT_DATA': the name must end here.
    if (wordEnd(at) === at + 1 + item.length) return -parseInt(PACKED.slice(PACKED.lastIndexOf(' ', at) + 1, at), 16);
  }
  return undefined;
}

function all(): ErrorCodeInfo[] {
  const out: ErrorCodeInfo[] = [];
  for (let at = PACKED.indexOf(':'); at >= 0; at = PACKED.indexOf(':', at + 1)) out.push(entryAt(at));
  return out;
}

/** Read-only view with the Map methods callers use (get, has, size, keys, values, entries, forEach). */
export const ERROR_CODES = {
  get: byCode,
  has: (code: number): boolean => byCode(code) !== undefined,
  get size(): number {
    return all().length;
  },
  keys: (): number[] => all().map((e) => e.code),
  values: (): ErrorCodeInfo[] => all(),
  entries: (): [number, ErrorCodeInfo][] => all().map((e) => [e.code, e]),
  forEach(fn: (value: ErrorCodeInfo, key: number) => void): void {
    for (const e of all()) fn(e, e.code);
  },
} as unknown as ReadonlyMap<number, ErrorCodeInfo>;

export function errorCode(name: ErrorName): number {
  const code = byName(name) ?? byName('MBEDTLS_ERR_' + name);
  if (code === undefined) throw new Error(`unknown error name ${name}`);
  return code;
}

export function formatCode(code: number): string {
  const hex = Math.abs(code).toString(16).padStart(4, '0');
  return (code < 0 ? '-0x' : '0x') + hex;
}

export function describeError(code: number | string): ErrorCodeInfo | undefined {
  if (typeof code === 'string') {
    const s = code.trim();
    const named = byName(s) ?? byName('MBEDTLS_ERR_' + s);
    if (named !== undefined) return byCode(named);
    const negative = s.startsWith('-');
    const digits = negative ? s.slice(1) : s;
    if (!/^(0x[0-9a-f]+|[0-9]+)$/i.test(digits)) return undefined;
    const v = Number(digits);
    return byCode(negative ? -v : -Math.abs(v));
  }
  return byCode(code);
}
