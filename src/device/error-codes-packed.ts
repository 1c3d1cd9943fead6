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
 *   "\n" PREFIX (" " [HEX ":"] NAME)*
 * PREFIX is the name's start (`SSL_` stands for `MBEDTLS_ERR_SSL_`; one starting `MICROTLS_` is
 * taken whole); an entry's code is -HEX, else the previous entry's code minus 0x80, the step
 * Mbed TLS numbers most of its codes by (entries are sorted by magnitude).
 */
import type { ErrorCodeInfo, ErrorName } from '../error-codes.js';

export type { ErrorCodeInfo, ErrorFullName, ErrorName } from '../error-codes.js';

declare const __MICROTLS_PACKED_ERROR_CODES__: string;
const PACKED: string = __MICROTLS_PACKED_ERROR_CODES__;

/** Walks the table until `match` accepts an entry (found with indexOf: a character loop is slow on Espruino). */
function find(match: (code: number, name: string) => boolean): ErrorCodeInfo | undefined {
  let prefix = '';
  let magnitude = 0;
  for (let at = 0; at < PACKED.length;) {
    let end = PACKED.indexOf(' ', at + 1);
    const nl = PACKED.indexOf('\n', at + 1);
    if (end < 0 || (nl >= 0 && nl < end)) end = nl < 0 ? PACKED.length : nl;
    let item = PACKED.slice(at + 1, end);
    if (PACKED.charAt(at) === '\n') {
      // Not indexOf('_ERR_'): Espruino 2v29's indexOf reports a needle that runs off the end
      // of the string as found once its first character matches ("X509_".indexOf("_ERR_") is 4).
      prefix = item.slice(0, 9) === 'MICROTLS_' ? item : 'MBEDTLS_ERR_' + item;
    } else {
      const colon = item.indexOf(':');
      if (colon >= 0) {
        magnitude = parseInt(item.slice(0, colon), 16);
        item = item.slice(colon + 1);
      } else {
        magnitude += 0x80;
      }
      const name = prefix + item;
      if (match(-magnitude, name)) return { code: -magnitude, name, meaning: '' };
    }
    at = end;
  }
  return undefined;
}

function byCode(code: number): ErrorCodeInfo | undefined {
  if (typeof code !== 'number' || code >= 0 || Math.floor(code) !== code) return undefined;
  return find((c) => c === code);
}

function byName(name: string): number | undefined {
  return find((_, n) => n === name)?.code;
}

function all(): ErrorCodeInfo[] {
  const out: ErrorCodeInfo[] = [];
  find((code, name) => {
    out.push({ code, name, meaning: '' });
    return false;
  });
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
