/**
 * Character checks for short ASCII tokens (hex, digits, DNS labels), written as loops because
 * Espruino's regular expressions have only `*` and `+`: `?`, `{n,m}` and `(?:` there silently
 * never match, so a pattern using them would reject every input on the device.
 */

function every(s: string, ok: (c: number) => boolean): boolean {
  for (let i = 0; i < s.length; i++) if (!ok(s.charCodeAt(i))) return false;
  return true;
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isLowerHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66);
const isHex = (c: number): boolean => isLowerHex(c) || (c >= 0x41 && c <= 0x46);
const isAlnum = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

/** `min` to `max` decimal digits. */
export function isDigits(s: string, min: number, max: number): boolean {
  return s.length >= min && s.length <= max && every(s, isDigit);
}

/** `min` to `max` hex digits; lower case only unless `anyCase`. */
export function isHexDigits(s: string, min: number, max: number, anyCase = false): boolean {
  return s.length >= min && s.length <= max && every(s, anyCase ? isHex : isLowerHex);
}

/** A DNS label: letters, digits and hyphens, not starting or ending with a hyphen, 1..maxLength long. */
export function isLdhLabel(label: string, maxLength: number, lowerCaseOnly = false): boolean {
  if (label.length === 0 || label.length > maxLength) return false;
  if (label.charCodeAt(0) === 0x2d || label.charCodeAt(label.length - 1) === 0x2d) return false;
  return every(label, (c) => c === 0x2d || (lowerCaseOnly ? isDigit(c) || (c >= 0x61 && c <= 0x7a) : isAlnum(c)));
}
