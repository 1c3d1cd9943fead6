import { ByteReader } from '../encoding/reader.js';
import { ByteWriter } from '../encoding/writer.js';
import { HandshakeType } from './constants.js';
import { handshakeMessage } from './message.js';

/** Certificate message body: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. DER is not parsed here. */
export function parseCertificateMessage(body: Uint8Array): Uint8Array[] {
  const r = new ByteReader(body, 'SSL_BAD_HS_CERTIFICATE', 'Certificate');
  const list = r.sub24('certificate_list');
  r.end();
  const out: Uint8Array[] = [];
  while (!list.done) out.push(list.vec24('ASN.1Cert', 1));
  return out;
}

/** The client's Certificate message (empty chain until client certificates are configured). */
export function encodeCertificateMessage(chain: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter(16);
  w.prefixed(3, (l) => { for (const der of chain) l.vec24(der); });
  return handshakeMessage(HandshakeType.certificate, w.finish());
}
