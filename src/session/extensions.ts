/**
 * The optional hello extensions (session_ticket, extended_master_secret, encrypt_then_mac,
 * max_fragment_length): what the client offers, and what it accepts back in ServerHello.
 *
 * The ServerHello side is strict because every one of these changes how keys or records
 * are computed: an answer the client did not ask for, or a body it cannot read exactly,
 * would leave client and server disagreeing about the connection's crypto.
 */
import { MicroTlsError } from '../errors.js';
import { ByteReader } from '../encoding/reader.js';
import { ByteWriter } from '../encoding/writer.js';
import { tlsError, type AlertName } from '../record/alerts.js';
import { hex16 } from '../record/constants.js';
import type { MaxFragmentLength } from './session.js';
import { ExtensionType } from '../handshake/constants.js';


/** RFC 6066 MaxFragmentLength codes. */
export const MAX_FRAGMENT_LENGTH_CODES: ReadonlyArray<readonly [code: number, length: MaxFragmentLength]> = [
  [1, 512],
  [2, 1024],
  [3, 2048],
  [4, 4096],
];

export function maxFragmentLengthCode(length: number): number {
  const row = MAX_FRAGMENT_LENGTH_CODES.find(([, len]) => len === length);
  if (!row) throw new MicroTlsError('SSL_BAD_CONFIG', `maxFragmentLength must be 512, 1024, 2048 or 4096, got ${length}`);
  return row[0];
}

export function maxFragmentLengthFromCode(code: number): MaxFragmentLength | undefined {
  return MAX_FRAGMENT_LENGTH_CODES.find(([c]) => c === code)?.[1];
}

export interface Extension {
  readonly type: number;
  readonly body: Uint8Array;
}

/** type u16 || body<0..2^16-1>, the wire form of one extension. */
export function encodeExtension(type: number, body: Uint8Array = new Uint8Array(0)): Uint8Array {
  return new ByteWriter(4 + body.length).u16(type).vec16(body).finish();
}

/**
 * What the client puts in its ClientHello for these four extensions. `sessionTicket`:
 * `true` offers an empty ticket extension (asking for a new ticket, RFC 5077 3.2), a byte
 * array offers that ticket for resumption, `false` leaves the extension out.
 */
export interface ExtensionOffer {
  readonly sessionTicket: boolean | Uint8Array;
  readonly extendedMasterSecret: boolean;
  readonly encryptThenMac: boolean;
  readonly maxFragmentLength?: MaxFragmentLength;
}

/** The offered extensions as [type, body], in ascending type order; order carries no meaning. */
export function offeredExtensionList(offer: ExtensionOffer): [number, Uint8Array][] {
  const out: [number, Uint8Array][] = [];
  if (offer.maxFragmentLength !== undefined) {
    out.push([ExtensionType.max_fragment_length, Uint8Array.of(maxFragmentLengthCode(offer.maxFragmentLength))]);
  }
  if (offer.encryptThenMac) out.push([ExtensionType.encrypt_then_mac, new Uint8Array(0)]);
  if (offer.extendedMasterSecret) out.push([ExtensionType.extended_master_secret, new Uint8Array(0)]);
  if (offer.sessionTicket !== false) {
    out.push([ExtensionType.session_ticket, offer.sessionTicket === true ? new Uint8Array(0) : offer.sessionTicket]);
  }
  return out;
}

/** The offered extensions, each encoded (type, length, body). */
export function encodeOfferedExtensions(offer: ExtensionOffer): Uint8Array[] {
  return offeredExtensionList(offer).map(([type, body]) => encodeExtension(type, body));
}

function helloError(alert: AlertName, message: string, type?: number): never {
  throw tlsError('SSL_BAD_HS_SERVER_HELLO', alert, `ServerHello: ${message}`, type === undefined ? {} : { extension: type });
}

/**
 * Splits an extensions block (the bytes inside extensions<0..2^16-1>) into its entries.
 * Duplicates are refused (RFC 5246 7.4.1.4: at most one extension of each type), since a
 * second copy could say the opposite of the first.
 */
export function parseExtensionBlock(block: Uint8Array): Extension[] {
  const r = new ByteReader(block, 'SSL_BAD_HS_SERVER_HELLO', 'ServerHello extensions');
  const list: Extension[] = [];
  const seen = new Set<number>();
  while (!r.done) {
    const type = r.u16('extension type');
    const body = r.vec16('extension body');
    if (seen.has(type)) helloError('decode_error', `extension ${hex16(type)} appears twice`, type);
    seen.add(type);
    list.push({ type, body });
  }
  return list;
}

/** What the server agreed to, for the four extensions handled here. */
export interface NegotiatedExtensions {
  /** The server will send NewSessionTicket (it answered with an empty session_ticket extension). */
  readonly sessionTicket: boolean;
  readonly extendedMasterSecret: boolean;
  /** True only for a CBC suite: RFC 7366 has no meaning for AEAD records. */
  readonly encryptThenMac: boolean;
  readonly maxFragmentLength?: MaxFragmentLength;
}

type Flag = 'sessionTicket' | 'extendedMasterSecret' | 'encryptThenMac';

/**
 * The extensions the server answers with an empty body (RFC 7627 5.1, RFC 7366 2, RFC 5077
 * 3.2), each by the field it has in both the offer and the result.
 */
const EMPTY_ANSWERS: Readonly<Record<number, Flag>> = {
  [ExtensionType.extended_master_secret]: 'extendedMasterSecret',
  [ExtensionType.encrypt_then_mac]: 'encryptThenMac',
  [ExtensionType.session_ticket]: 'sessionTicket',
};

/**
 * Reads the server's answers to `offer` from the ServerHello extensions. Extensions of other
 * types are left to their own handlers (server_name, renegotiation_info, ...). An answer to
 * something not offered is an unsupported_extension abort (RFC 5246 7.4.1.4).
 * `cbcSuite`: whether the selected suite is CBC; ETM is ignored for AEAD suites, as
 * OpenSSL and Mbed TLS do, since RFC 7366 3 forbids the server only from sending it.
 */
export function negotiateExtensions(serverExtensions: readonly Extension[], offer: ExtensionOffer, cbcSuite: boolean): NegotiatedExtensions {
  const into: { -readonly [K in keyof NegotiatedExtensions]: NegotiatedExtensions[K] } = {
    sessionTicket: false,
    extendedMasterSecret: false,
    encryptThenMac: false,
  };
  const seen = new Set<number>();
  for (const ext of serverExtensions) {
    const type = ext.type;
    const body = ext.body;
    const flag = EMPTY_ANSWERS[type];
    const mfl = type === ExtensionType.max_fragment_length;
    if (flag === undefined && !mfl) continue;
    const name = hex16(type);
    if (seen.has(type)) helloError('decode_error', `extension ${name} appears twice`, type);
    seen.add(type);
    if (flag !== undefined ? offer[flag] === false : offer.maxFragmentLength === undefined) {
      helloError('unsupported_extension', `extension ${name} was not offered`, type);
    }
    if (flag !== undefined) {
      if (body.length !== 0) helloError('decode_error', `extension ${name} must be empty, has ${body.length} bytes`, type);
      into[flag] = true;
    } else {
      if (body.length !== 1) helloError('decode_error', `max_fragment_length must be 1 byte, has ${body.length}`, type);
      // RFC 6066 4: an answer different from the request is an illegal_parameter abort.
      const want = maxFragmentLengthCode(offer.maxFragmentLength!);
      if (body[0] !== want) helloError('illegal_parameter', `max_fragment_length code ${body[0]} differs from the offered ${want}`, type);
      into.maxFragmentLength = offer.maxFragmentLength!;
    }
  }
  if (!cbcSuite) into.encryptThenMac = false;
  return into;
}
