/**
 * Received payloads. Under Node they are delivered as Buffer views of the same bytes (a
 * Buffer is a Uint8Array, so portable code still works, and MQTT.js habits such as
 * `payload.toString()` give the text). Engines without Buffer (Espruino, XS) get the plain
 * Uint8Array, whose toString() lists numbers: use payloadString() there.
 */
import { utf8DecodeLenient } from '../encoding/bytes.js';

type BufferFrom = { from(buffer: ArrayBufferLike, byteOffset: number, length: number): Uint8Array };

const NodeBuffer = (globalThis as { Buffer?: BufferFrom }).Buffer;

/** No copy: a Buffer over the same memory where Buffer exists, the bytes as they are elsewhere. */
export const payloadView: (bytes: Uint8Array) => Uint8Array = NodeBuffer && typeof NodeBuffer.from === 'function'
  ? (bytes) => NodeBuffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  : (bytes) => bytes;

/** The payload as UTF-8 text (invalid sequences become U+FFFD), on any engine. */
export function payloadString(payload: Uint8Array): string {
  return utf8DecodeLenient(payload);
}
