/**
 * Validity dates. RFC 5280 4.1.2.5 fixes the forms exactly: UTCTime YYMMDDHHMMSSZ and
 * GeneralizedTime YYYYMMDDHHMMSSZ, both in UTC with seconds and without fractions. Anything
 * looser is refused (INVALID_DATE) rather than guessed at, since a mis-read date is a
 * mis-judged expiry.
 */
import { MicroTlsError } from '../errors.js';
import { asciiDecode } from '../encoding/bytes.js';
import { isUniversal, Tag, type DerNode } from './der.js';
import { isDigits } from '../encoding/charset.js';

export function parseTime(n: DerNode | undefined, what: string): Date {
  const code = 'X509_INVALID_DATE';
  const utc = isUniversal(n, Tag.UTC_TIME);
  if ((!utc && !isUniversal(n, Tag.GENERALIZED_TIME)) || n!.constructed) throw new MicroTlsError(code, `${what}: expected UTCTime or GeneralizedTime`);
  const text = asciiDecode(n!.value);
  // YYMMDDHHMMSSZ or YYYYMMDDHHMMSSZ: the digits before MMDDHHMMSS are the year.
  const y = utc ? 2 : 4;
  if (!(text.length === y + 11 && text.endsWith('Z') && isDigits(text.slice(0, y + 10), y + 10, y + 10))) {
    throw new MicroTlsError(code, `${what}: ${utc ? 'UTCTime' : 'GeneralizedTime'} '${text}' is not ${utc ? 'YY' : 'YYYY'}MMDDHHMMSSZ`);
  }
  let year = Number(text.slice(0, y));
  // RFC 5280: YY >= 50 is 19YY, otherwise 20YY.
  if (utc) year += year >= 50 ? 1900 : 2000;
  const f = (i: number): number => Number(text.slice(y + i, y + i + 2));
  const month = f(0), day = f(2), hour = f(4), minute = f(6), second = f(8);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) {
    throw new MicroTlsError(code, `${what}: date out of range`);
  }
  return new Date(utcMillis(year, month, day) + ((hour * 60 + minute) * 60 + second) * 1000);
}

/**
 * Milliseconds from 1970 to 00:00 UTC of a date (month 1-12): days from civil (H. Hinnant),
 * exact for the proleptic Gregorian calendar. Not Date.UTC, which reads years 0-99 as
 * 1900-1999, nor Date#setUTCFullYear, which the Espruino bundle would need a polyfill for.
 */
export function utcMillis(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return (era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468) * 864e5;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** `2031-04-07`, the form the device description ends with. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
