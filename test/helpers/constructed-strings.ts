/**
 * Certificates that carry a BER constructed string (e.g. a CN as `2c 0b 0c 09 "localhost"`),
 * which DER forbids (X.690 10.2) and which asn1js decodes into a shape of its own. Built by
 * re-encoding a real certificate, and re-signed so that only the encoding is wrong.
 */
import { sign, type KeyObject } from 'node:crypto';
import { concatBytes } from '../../src/encoding/bytes.js';
import { encodePem } from '../../src/encoding/pem.js';
import { decodeDerFast, type DerNode } from '../../src/x509/der.js';
import { issueCertificate, type Issued } from '../../src/node/pki.js';

function header(tagByte: number, length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(tagByte, length);
  const len: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) len.unshift(n & 0xff);
  return Uint8Array.of(tagByte, 0x80 | len.length, ...len);
}

/** DER of `node`, children re-encoded (so a transform below may change their lengths). */
export function encodeNode(node: DerNode): Uint8Array {
  const body = node.constructed ? concatBytes(...node.children.map(encodeNode)) : node.value;
  return concatBytes(header((node.cls << 6) | (node.constructed ? 0x20 : 0) | node.tag, body.length), body);
}

/** `prim` wrapped in the constructed form of its own type: `(tag | 0x20) len prim`. */
export function constructedForm(prim: Uint8Array): Uint8Array {
  return concatBytes(header(prim[0]! | 0x20, prim.length), prim);
}

/** Universal string types (X.690 10.2 forbids their constructed form in DER). */
export const STRING_TAGS = [3, 4, 12, 18, 19, 20, 21, 22, 25, 26, 27, 28, 30] as const;

function mapTree(n: DerNode, f: (n: DerNode) => DerNode | undefined): DerNode {
  const r = f(n);
  if (r) return r;
  return n.constructed ? { ...n, children: n.children.map((c) => mapTree(c, f)) } : n;
}

/**
 * `cert` with the first string in its subject (the last Name in the TBS) made constructed,
 * signed again by `issuerKey`.
 */
export function withConstructedSubjectString(cert: Uint8Array, issuerKey: KeyObject): Uint8Array {
  const root = decodeDerFast(cert)!;
  const [tbs, alg, _sig] = root.children as [DerNode, DerNode, DerNode];
  // version [0], serial, signature, issuer, validity, subject
  const subjectIndex = tbs.children[0]!.cls === 2 ? 5 : 4;
  let done = false;
  const subject = mapTree(tbs.children[subjectIndex]!, (n) => {
    if (done || n.cls !== 0 || n.constructed || ![12, 19].includes(n.tag)) return undefined;
    done = true;
    return { ...n, constructed: true, children: [n] };
  });
  if (!done) throw new Error('no string in the subject');
  const newTbs = encodeNode({ ...tbs, children: tbs.children.map((c, i) => (i === subjectIndex ? subject : c)) });
  const signature = sign('sha256', newTbs, issuerKey);
  const bits = concatBytes(header(0x03, signature.length + 1), Uint8Array.of(0), signature);
  return concatBytes(header(0x30, newTbs.length + alg.raw.length + bits.length), newTbs, alg.raw, bits);
}

export interface ConstructedStringPki {
  readonly ca: Issued;
  readonly leaf: Issued;
  /** A CA certificate whose subject holds a constructed string. */
  readonly badCaPem: string;
  /** The leaf, signed by `ca`, with a constructed string in its subject. */
  readonly badLeafPem: string;
}

export function constructedStringPki(): ConstructedStringPki {
  const ca = issueCertificate({ subject: [['CN', 'Constructed Test CA']], ca: true, keyUsage: ['keyCertSign', 'cRLSign'] });
  const other = issueCertificate({ subject: [['C', 'BG'], ['CN', 'Other CA']], ca: true, keyUsage: ['keyCertSign'] });
  const leaf = issueCertificate({
    subject: [['CN', 'localhost']], issuer: ca, dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'],
    keyUsage: ['digitalSignature', 'keyEncipherment'], extKeyUsage: ['serverAuth'],
  });
  return {
    ca, leaf,
    badCaPem: encodePem('CERTIFICATE', withConstructedSubjectString(other.certDer, other.key)),
    badLeafPem: encodePem('CERTIFICATE', withConstructedSubjectString(leaf.certDer, ca.key)),
  };
}
