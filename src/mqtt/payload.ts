/**
 * Received payloads. Under Node (the default transports) they are delivered as Buffer views of
 * the same bytes (a Buffer is a Uint8Array, so portable code still works, and MQTT.js habits
 * such as `payload.toString()` give the text). Engines without Buffer (Espruino, XS) get the
 * plain Uint8Array, whose toString() lists numbers: use payloadString() there.
 */
import { utf8DecodeLenient } from '../encoding/bytes.js';

let view: (bytes: Uint8Array) => Uint8Array = (bytes) => bytes;

/**
 * How received payloads are handed out. The core keeps them as they are; the Node adapter
 * (src/node/mqtt-transports.ts, loaded with the default transports) installs a Buffer view
 * over the same memory, so the core itself never handles Buffer objects.
 */
export function setPayloadView(fn: (bytes: Uint8Array) => Uint8Array): void {
  view = fn;
}

/** No copy: the bytes as the installed view presents them. */
export function payloadView(bytes: Uint8Array): Uint8Array {
  return view(bytes);
}

/** The payload as UTF-8 text (invalid sequences become U+FFFD), on any engine. */
export function payloadString(payload: Uint8Array): string {
  return utf8DecodeLenient(payload);
}
