/**
 * GeneralName (RFC 5280 4.2.1.6), shared by subjectAltName, nameConstraints and the
 * authority key identifier. DNS, IP, e-mail, URI and directory names are decoded; the
 * other forms are kept raw so that a name constraint on them can still refuse them.
 */
import { MicroTlsError } from '../errors.js';
import { asciiDecode } from '../encoding/bytes.js';
import { TagClass, type DerNode } from './der.js';
import { parseName, type Name } from './name.js';

export type GeneralName =
  | { readonly type: 'dns'; readonly value: string }
  | { readonly type: 'email'; readonly value: string }
  | { readonly type: 'uri'; readonly value: string }
  | { readonly type: 'ip'; readonly bytes: Uint8Array }
  | { readonly type: 'dn'; readonly name: Name }
  | { readonly type: 'other'; readonly tag: number; readonly raw: Uint8Array };

export type GeneralNameType = GeneralName['type'];

const CODE = 'X509_INVALID_EXTENSIONS';

/** Tags: [0] otherName, [1] rfc822Name, [2] dNSName, [3] x400Address, [4] directoryName, [5] ediPartyName, [6] URI, [7] iPAddress, [8] registeredID. */
export function parseGeneralName(n: DerNode, what: string): GeneralName {
  if (n.cls !== TagClass.Context) throw new MicroTlsError(CODE, `${what}: GeneralName not context-tagged`);
  switch (n.tag) {
    case 1: return { type: 'email', value: ia5(n, what) };
    case 2: return { type: 'dns', value: ia5(n, what) };
    case 6: return { type: 'uri', value: ia5(n, what) };
    case 7:
      if (n.constructed) throw new MicroTlsError(CODE, `${what}: iPAddress must be primitive`);
      return { type: 'ip', bytes: n.value };
    case 4: {
      // directoryName is EXPLICIT: [4] { Name }.
      if (!n.constructed || n.children.length !== 1) throw new MicroTlsError(CODE, `${what}: malformed directoryName`);
      return { type: 'dn', name: parseName(n.children[0], what) };
    }
    case 0: case 3: case 5:
      if (!n.constructed) throw new MicroTlsError(CODE, `${what}: malformed GeneralName [${n.tag}]`);
      return { type: 'other', tag: n.tag, raw: n.raw };
    case 8:
      if (n.constructed) throw new MicroTlsError(CODE, `${what}: malformed registeredID`);
      return { type: 'other', tag: n.tag, raw: n.raw };
    default:
      throw new MicroTlsError(CODE, `${what}: unknown GeneralName tag [${n.tag}]`);
  }
}

function ia5(n: DerNode, what: string): string {
  if (n.constructed) throw new MicroTlsError(CODE, `${what}: IA5String must be primitive`);
  for (const b of n.value) if (b > 0x7f) throw new MicroTlsError(CODE, `${what}: non-ASCII byte in IA5String`);
  return asciiDecode(n.value);
}

/** Constraint type for an `other` name: its tag, so otherName and x400Address constraints stay apart. */
export function generalNameKind(g: GeneralName): string {
  return g.type === 'other' ? `other${g.tag}` : g.type;
}
