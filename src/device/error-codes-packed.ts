/**
 * The error-code table for the Espruino bundle, with src/error-codes.ts's API but as one
 * string instead of 150 objects and two Maps: on Espruino those cost ~2,700 variables of RAM
 * for the life of the program, while a string in code loaded from Storage stays in flash.
 * scripts/build-device.mjs fills PACKED from src/error-codes.ts at build time (one line per
 * code: `hex name meaning`), so the two tables cannot drift apart.
 */
import type { ErrorCodeInfo, ErrorName } from '../error-codes.js';

export type { ErrorCodeInfo, ErrorFullName, ErrorName } from '../error-codes.js';

declare const __MICROTLS_PACKED_ERROR_CODES__: string;
const PACKED: string = __MICROTLS_PACKED_ERROR_CODES__;

function lineAt(start: number): ErrorCodeInfo {
  const end = PACKED.indexOf('\n', start);
  const line = PACKED.slice(start, end < 0 ? PACKED.length : end);
  const a = line.indexOf(' ');
  const b = line.indexOf(' ', a + 1);
  return { code: -parseInt(line.slice(0, a), 16), name: line.slice(a + 1, b), meaning: line.slice(b + 1) };
}

function byCode(code: number): ErrorCodeInfo | undefined {
  if (typeof code !== 'number' || code >= 0 || Math.floor(code) !== code) return undefined;
  const at = PACKED.indexOf('\n' + (-code).toString(16) + ' ');
  return at < 0 ? undefined : lineAt(at + 1);
}

function byName(name: string): number | undefined {
  const at = PACKED.indexOf(' ' + name + ' ');
  if (at < 0 || name.indexOf(' ') >= 0) return undefined;
  const start = PACKED.lastIndexOf('\n', at) + 1;
  return -parseInt(PACKED.slice(start, at), 16);
}

function all(): ErrorCodeInfo[] {
  const out: ErrorCodeInfo[] = [];
  let at = 1;
  while (at > 0 && at < PACKED.length) {
    out.push(lineAt(at));
    at = PACKED.indexOf('\n', at) + 1;
  }
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
