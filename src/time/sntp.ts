/**
 * SNTP client codec (RFC 4330), transport-free: build a request, check a response,
 * compute offset and round-trip delay. The UDP part lives in an adapter (src/node/sntp-udp.ts
 * on Node; a device uses its own socket), so the checks are the same everywhere.
 *
 * The checks are the ones RFC 4330 section 5 asks of a client, because a clock set from
 * a forged or broken answer would make certificate validity checks meaningless:
 * mode 4 (server), version 3 or 4, not "unsynchronized" (LI = 3), stratum 1..15 (0 is a
 * kiss-o'-death such as RATE or DENY), originate timestamp equal to the request's
 * transmit timestamp (an answer to this request, not a replay), non-zero transmit time.
 */
import { MicroTlsError } from '../errors.js';
import { asciiDecode } from '../encoding/bytes.js';

export const NTP_PACKET_LENGTH = 48;
/** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
const NTP_UNIX_OFFSET = 2208988800;
const TWO_32 = 4294967296;

export interface SntpRequest {
  readonly packet: Uint8Array;
  /** The transmit timestamp sent; the answer must echo it as its originate timestamp. */
  readonly transmitTimestamp: Uint8Array;
  /** Client time when sent (T1), milliseconds since 1970. */
  readonly t1: number;
}

export interface SntpResult {
  /** Add to the local clock to get the server's time, in milliseconds. */
  readonly offsetMs: number;
  /** Round-trip delay, in milliseconds. */
  readonly delayMs: number;
  /** Server time at reception of the answer (T4 + offset). */
  readonly time: Date;
  readonly stratum: number;
  readonly version: number;
}

/** `nowMs` is the client clock (Date.now() where it exists; a tick-based clock on a device). */
export function buildSntpRequest(nowMs: number): SntpRequest {
  const packet = new Uint8Array(NTP_PACKET_LENGTH);
  packet[0] = (0 << 6) | (4 << 3) | 3; // LI 0, version 4, mode 3 (client)
  const transmitTimestamp = toNtpTimestamp(nowMs);
  packet.set(transmitTimestamp, 40);
  return { packet, transmitTimestamp, t1: nowMs };
}

/** Checks an answer to `request` received at client time `t4` (ms) and computes the offset. */
export function parseSntpResponse(packet: Uint8Array, request: SntpRequest, t4: number): SntpResult {
  const bad = (why: string, details: Record<string, unknown> = {}): never => {
    throw new MicroTlsError('NET_RECV_FAILED', `SNTP: ${why}`, details);
  };
  if (packet.length < NTP_PACKET_LENGTH) bad(`${packet.length}-byte answer, under ${NTP_PACKET_LENGTH}`);
  const li = packet[0]! >> 6;
  const version = (packet[0]! >> 3) & 7;
  const mode = packet[0]! & 7;
  const stratum = packet[1]!;
  if (mode !== 4) bad(`mode ${mode}, not 4 (server)`);
  if (version < 3 || version > 4) bad(`version ${version}, not 3 or 4`);
  if (stratum === 0) {
    const code = asciiDecode(packet.subarray(12, 16)).replace(/[^\x20-\x7e]/g, '');
    bad(`kiss-o'-death ${code}: try another server or later`, { kissCode: code });
  }
  if (stratum > 15) bad(`stratum ${stratum} (unsynchronized)`);
  if (li === 3) bad('server clock not synchronized (leap indicator 3)');
  const originate = packet.subarray(24, 32);
  if (!originate.every((b, i) => b === request.transmitTimestamp[i])) bad('originate timestamp is not ours (stale or forged)');
  const transmit = packet.subarray(40, 48);
  if (transmit.every((b) => b === 0)) bad('transmit timestamp is zero');
  const t2 = fromNtpTimestamp(packet.subarray(32, 40));
  const t3 = fromNtpTimestamp(transmit);
  const t1 = request.t1;
  const offsetMs = (t2 - t1 + (t3 - t4)) / 2;
  const delayMs = t4 - t1 - (t3 - t2);
  return { offsetMs, delayMs, time: new Date(t4 + offsetMs), stratum, version };
}

/** 64-bit NTP timestamp (32.32 fixed point, seconds since 1900, era-wrapped) of a Unix time in ms. */
export function toNtpTimestamp(unixMs: number): Uint8Array {
  const seconds = Math.floor(unixMs / 1000);
  const fraction = Math.floor(((unixMs - seconds * 1000) / 1000) * TWO_32);
  const out = new Uint8Array(8);
  const v = new DataView(out.buffer);
  v.setUint32(0, (seconds + NTP_UNIX_OFFSET) % TWO_32);
  v.setUint32(4, fraction);
  return out;
}

/**
 * Unix ms of an NTP timestamp. RFC 4330 section 3: when the top bit of the seconds is 0
 * the time is in era 1 (from 2036-02-07), so this works until 2104.
 */
export function fromNtpTimestamp(b: Uint8Array): number {
  const v = new DataView(b.buffer, b.byteOffset, 8);
  let seconds = v.getUint32(0);
  if (seconds < 0x80000000) seconds += TWO_32;
  return (seconds - NTP_UNIX_OFFSET) * 1000 + (v.getUint32(4) / TWO_32) * 1000;
}
