/**
 * How `microtls sub` writes a message, byte for byte as mosquitto_sub does: the payload's
 * raw bytes (never decoded and re-encoded), "topic payload" with -v, or a -F format string;
 * each followed by a newline unless -N.
 *
 * -F: %% %t %p %x %X %l %q %r %m %I %U %j, field width / precision / the 0 and - flags on the
 * parameters that take them, @X strftime-style time fields for the common letters, and the
 * escapes \\ \0 \a \e \n \r \t \v. A specifier microtls does not know is refused up front.
 */
import { UsageError } from './usage.js';

export interface MessageView {
  topic: string;
  payload: Uint8Array;
  qos: number;
  retain: boolean;
  packetId?: number;
}

type Piece = Uint8Array | ((m: MessageView, now: Date) => Uint8Array);

const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
const NEWLINE = enc('\n');
const SPACE = enc(' ');
const NULL_TEXT = enc('(null)');

const MAX_FIELD_WIDTH = 4096;

function pad(s: string, width: number | undefined, left: boolean, zero: boolean): string {
  if (width === undefined || s.length >= width) return s;
  if (left) return s.padEnd(width, ' ');
  return s.padStart(width, zero ? '0' : ' ');
}

function isoLocal(d: Date): string {
  const off = -d.getTimezoneOffset();
  const sign = off >= 0 ? '+' : '-';
  const p2 = (n: number): string => String(Math.abs(n)).padStart(2, '0');
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}${sign}${p2(Math.trunc(off / 60))}${p2(off % 60)}`;
}

/** mosquitto_sub's %j timestamp: local time with microseconds, a literal Z, then the offset. */
function jsonTime(d: Date): string {
  const iso = isoLocal(d);
  return `${iso.slice(0, 19)}.${String(d.getMilliseconds() * 1000).padStart(6, '0')}Z${iso.slice(19)}`;
}

function jsonString(bytes: Uint8Array): string {
  return JSON.stringify(Buffer.from(bytes).toString('utf8'));
}

/** strftime letters for @X; the common ones. */
const TIME_FIELDS: Record<string, (d: Date) => string> = {
  Y: (d) => String(d.getFullYear()),
  m: (d) => String(d.getMonth() + 1).padStart(2, '0'),
  d: (d) => String(d.getDate()).padStart(2, '0'),
  H: (d) => String(d.getHours()).padStart(2, '0'),
  M: (d) => String(d.getMinutes()).padStart(2, '0'),
  S: (d) => String(d.getSeconds()).padStart(2, '0'),
  s: (d) => String(Math.floor(d.getTime() / 1000)),
  F: (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`,
  T: (d) => `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}:${String(d.getSeconds()).padStart(2, '0')}`,
  N: (d) => String((d.getTime() % 1000) * 1_000_000).padStart(9, '0'),
  '@': () => '@',
};

const ESCAPES: Record<string, string> = { '\\': '\\', '0': '\0', a: '\x07', e: '\x1b', n: '\n', r: '\r', t: '\t', v: '\v' };

/** Compiles a -F string; throws UsageError naming the first specifier it does not support. */
export function compileFormat(format: string): (m: MessageView, now: Date) => Uint8Array {
  const pieces: Piece[] = [];
  let text = '';
  const flush = (): void => {
    if (text) pieces.push(enc(text));
    text = '';
  };
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '\\') {
      const e = format[++i];
      if (e === undefined || !(e in ESCAPES)) throw new UsageError(`Invalid escape sequence '\\${e ?? ''}' in -F format; microtls knows \\\\ \\0 \\a \\e \\n \\r \\t \\v.`);
      text += ESCAPES[e];
    } else if (c === '@') {
      const f = format[++i];
      const field = f === undefined ? undefined : TIME_FIELDS[f];
      if (!field) throw new UsageError(`Time field '@${f ?? ''}' in -F format is not supported by microtls (supported: @${Object.keys(TIME_FIELDS).join(' @')}).`);
      flush();
      pieces.push((_m, now) => enc(field(now)));
    } else if (c === '%') {
      const spec = /^(-?)(0?)(\d*)(?:\.(\d+))?([%tpxXlqrmIUjJAC-FPRS])/.exec(format.slice(i + 1));
      if (!spec) throw new UsageError(`Invalid format specifier '%${format[i + 1] ?? ''}' in -F format.`);
      i += spec[0].length;
      const [, minus, zero, w, prec, letter] = spec as unknown as [string, string, string, string, string | undefined, string];
      const width = w ? Number(w) : undefined;
      // A width is padding in every message: bounded, so a typo cannot ask for gigabytes of spaces.
      if (width !== undefined && width > MAX_FIELD_WIDTH) throw new UsageError(`Field width ${width} in -F format is larger than ${MAX_FIELD_WIDTH}.`);
      const max = prec !== undefined ? Number(prec) : undefined;
      const left = minus === '-';
      const fit = (s: string, zeroOk: boolean): string => pad(max !== undefined ? s.slice(0, max) : s, width, left, zeroOk && zero === '0');
      flush();
      switch (letter) {
        case '%': pieces.push(enc('%')); break;
        case 't': pieces.push((m) => enc(fit(m.topic, false))); break;
        case 'p': pieces.push((m) => m.payload); break;
        case 'x': pieces.push((m) => enc(fit(Buffer.from(m.payload).toString('hex'), true))); break;
        case 'X': pieces.push((m) => enc(fit(Buffer.from(m.payload).toString('hex').toUpperCase(), true))); break;
        case 'l': pieces.push((m) => enc(fit(String(m.payload.length), true))); break;
        case 'q': pieces.push((m) => enc(String(m.qos))); break;
        case 'r': pieces.push((m) => enc(m.retain ? '1' : '0')); break;
        case 'm': pieces.push((m) => enc(fit(String(m.packetId ?? 0), true))); break;
        case 'I': pieces.push((_m, now) => enc(fit(isoLocal(now), false))); break;
        case 'U': pieces.push((_m, now) => enc(`${Math.floor(now.getTime() / 1000)}.${String((now.getTime() % 1000) * 1_000_000).padStart(9, '0')}`)); break;
        case 'j': pieces.push((m, now) => enc(`{"tst":"${jsonTime(now)}","topic":${JSON.stringify(m.topic)},"qos":${m.qos},"retain":${m.retain ? 1 : 0},"payloadlen":${m.payload.length},${m.packetId ? `"mid":${m.packetId},` : ''}"payload":${m.payload.length ? jsonString(m.payload) : 'null'}}`)); break;
        default: throw new UsageError(`Format specifier '%${letter}' is an MQTT v5 property or not supported by microtls sub (MQTT 3.1.1).`);
      }
    } else {
      text += c;
    }
  }
  flush();
  return (m, now) => {
    const parts = pieces.map((p) => (typeof p === 'function' ? p(m, now) : p));
    return Buffer.concat(parts);
  };
}

export interface OutputOptions {
  verbose: boolean;
  noEol: boolean;
  format?: string;
}

/** The bytes written for one message. */
export function messageWriter(o: OutputOptions): (m: MessageView) => Uint8Array {
  const formatted = o.format !== undefined ? compileFormat(o.format) : undefined;
  const eol = o.noEol ? [] : [NEWLINE];
  return (m) => {
    if (formatted) return Buffer.concat([formatted(m, new Date()), ...eol]);
    if (o.verbose) {
      // mosquitto_sub prints "topic (null)" for an empty payload, and nothing at all for one under -N.
      if (m.payload.length === 0) return o.noEol ? new Uint8Array(0) : Buffer.concat([Buffer.from(m.topic, 'utf8'), SPACE, NULL_TEXT, NEWLINE]);
      return Buffer.concat([Buffer.from(m.topic, 'utf8'), SPACE, m.payload, ...eol]);
    }
    return Buffer.concat([m.payload, ...eol]);
  };
}
